package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Concurrent single pushes share transactions (group commit) over real HTTP and PostgreSQL: every
 * acknowledged message is stored, dedup holds across the pushes of one transaction, and a bad push
 * is refused alone with nothing stored.
 */
class SinglePushesTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  private record Answer(int status, String id, boolean deduplicated, String body) {}

  private static String message(String extra) {
    return "{\"url\": \"https://example.com/hook\", \"body\": {\"n\": 1}" + extra + "}";
  }

  /** Sends {@code n} pushes at once from as many threads; answers in order. */
  private List<Answer> pushAll(Fixtures.Tenant t, String queue, int n, IntFunction<String> body)
      throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Answer>> answers = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(n)) {
      for (int i = 0; i < n; i++) {
        String b = body.apply(i);
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  var r = api.post("/api/v1/queues/" + queue + "/messages", t.key(), b);
                  boolean ok = r.status() == 200 || r.status() == 201;
                  return new Answer(
                      r.status(),
                      ok ? r.json().get("message_id").asString() : null,
                      ok && r.json().get("deduplicated").asBoolean(),
                      r.body());
                }));
      }
      go.countDown();
      List<Answer> out = new ArrayList<>();
      for (var a : answers) {
        out.add(a.get());
      }
      return out;
    }
  }

  private double batched() {
    var s = meters.find("runlater.group_commit.batch.size").tag("name", "push").summary();
    return s == null ? 0 : s.totalAmount() - s.count();
  }

  private long messages(UUID organizationId) {
    return jdbc.sql("SELECT count(*) FROM messages WHERE organization_id = :o")
        .param("o", organizationId)
        .query(Long.class)
        .single();
  }

  private boolean stored(String id) {
    return jdbc.sql("SELECT count(*) FROM messages WHERE id = :id::uuid")
            .param("id", id)
            .query(Long.class)
            .single()
        == 1;
  }

  @Test
  void fifty_concurrent_pushes_share_commits_and_every_acknowledged_message_is_stored()
      throws Exception {
    var t = fixtures.tenant();
    api.put("/api/v1/queues/held", t.key(), "{\"paused\": true}");
    double before = batched();

    List<Answer> answers = pushAll(t, "held", 50, i -> message(""));

    assertThat(answers).extracting(Answer::status).containsOnly(201);
    assertThat(answers).extracting(Answer::id).doesNotHaveDuplicates();
    assertThat(answers).allSatisfy(a -> assertThat(stored(a.id())).as(a.id()).isTrue());
    assertThat(messages(t.id())).isEqualTo(50);
    // Some transaction held more than one push.
    assertThat(batched()).isGreaterThan(before);
  }

  @Test
  void concurrent_pushes_to_a_new_queue_create_it_once() throws Exception {
    var t = fixtures.tenant();

    List<Answer> answers = pushAll(t, "fresh", 40, i -> message(""));

    assertThat(answers).extracting(Answer::status).containsOnly(201);
    assertThat(messages(t.id())).isEqualTo(40);
    assertThat(
            jdbc.sql("SELECT count(*) FROM queues WHERE organization_id = :o AND name = 'fresh'")
                .param("o", t.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void an_invalid_push_among_concurrent_ones_is_a_422_naming_its_field_and_stores_nothing()
      throws Exception {
    var t = fixtures.tenant();
    api.put("/api/v1/queues/mixed", t.key(), "{\"paused\": true}");

    List<Answer> answers =
        pushAll(
            t,
            "mixed",
            40,
            i ->
                i % 4 == 0
                    ? "{\"url\": \"not a url\"}"
                    : message(", \"dedup_id\": \"d" + i + "\""));

    for (int i = 0; i < answers.size(); i++) {
      Answer a = answers.get(i);
      if (i % 4 == 0) {
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.body()).contains("\"url\"");
      } else {
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        assertThat(stored(a.id())).isTrue();
      }
    }
    assertThat(messages(t.id())).isEqualTo(30);
  }
}
