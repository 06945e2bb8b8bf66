package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Tier;
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
 * Concurrent {@code POST /api/v1/jobs} share transactions (group commit) over real HTTP and
 * PostgreSQL: every acknowledged job is stored with its first run, the free tier's job limit is
 * never overshot, and a create that cannot be stored fails alone.
 */
class JobCreatesTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  private record Answer(int status, String id, String type) {}

  private static String job(String name, String key) {
    return """
        {"name": "%s", %s "url": "https://example.com/%s", "schedule": {"type": "once", "delay": "30d"}}
        """
        .formatted(name, key == null ? "" : "\"key\": \"" + key + "\",", name);
  }

  /** Sends {@code n} creates at once from as many threads; answers in order. */
  private List<Answer> createAll(Fixtures.Tenant t, int n, IntFunction<String> body)
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
                  var r = api.post("/api/v1/jobs", t.key(), b);
                  var json = r.json();
                  return new Answer(
                      r.status(),
                      r.status() == 201 ? json.get("id").asString() : null,
                      r.status() == 201 ? null : json.get("type").asString());
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
    var s = meters.find("runlater.group_commit.batch.size").tag("name", "job-create").summary();
    return s == null ? 0 : s.totalAmount() - s.count();
  }

  private long jobsWithTheirRun(UUID organizationId) {
    return jdbc.sql(
            """
            SELECT count(*) FROM jobs j JOIN tasks t ON t.id = j.pending_task_id
            WHERE j.organization_id = :o
            """)
        .param("o", organizationId)
        .query(Long.class)
        .single();
  }

  private boolean stored(String id) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE id = :id::uuid")
            .param("id", id)
            .query(Long.class)
            .single()
        == 1;
  }

  @Test
  void two_dozen_concurrent_creates_share_commits_and_every_acknowledged_job_has_its_first_run()
      throws Exception {
    var t = fixtures.tenant();
    double before = batched();

    List<Answer> answers = createAll(t, 24, i -> job("j" + i, null));

    assertThat(answers).extracting(Answer::status).containsOnly(201);
    assertThat(answers).allSatisfy(a -> assertThat(stored(a.id())).as(a.id()).isTrue());
    assertThat(answers).extracting(Answer::id).doesNotHaveDuplicates();
    assertThat(jobsWithTheirRun(t.id())).isEqualTo(24);
    // Some transaction held more than one create.
    assertThat(batched()).isGreaterThan(before);
  }

  @Test
  void concurrent_creates_on_the_free_tier_stop_exactly_at_its_job_limit() throws Exception {
    var t = fixtures.tenant(Tier.FREE);
    int limit = Tier.FREE.limits().jobs();

    List<Answer> answers = createAll(t, 24, i -> job("j" + i, null));

    List<Answer> created = answers.stream().filter(a -> a.status() == 201).toList();
    assertThat(created).hasSize(limit);
    assertThat(created).allSatisfy(a -> assertThat(stored(a.id())).isTrue());
    assertThat(answers.stream().filter(a -> a.status() != 201))
        .hasSize(24 - limit)
        .allSatisfy(
            a -> {
              assertThat(a.status()).isEqualTo(403);
              assertThat(a.type()).endsWith("/tier-limit");
            });
    assertThat(jobsWithTheirRun(t.id())).isEqualTo(limit);
  }

  @Test
  void a_create_that_cannot_be_stored_fails_alone_and_the_others_are_stored() throws Exception {
    var t = fixtures.tenant();

    // Every fifth create uses the same key: one of them is stored, the others are 409.
    List<Answer> answers = createAll(t, 24, i -> job("j" + i, i % 5 == 0 ? "same" : null));

    List<Answer> keyed = new ArrayList<>();
    List<Answer> plain = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      (i % 5 == 0 ? keyed : plain).add(answers.get(i));
    }
    assertThat(plain).extracting(Answer::status).containsOnly(201);
    assertThat(plain).allSatisfy(a -> assertThat(stored(a.id())).isTrue());
    assertThat(keyed.stream().filter(a -> a.status() == 201)).hasSize(1);
    assertThat(keyed.stream().filter(a -> a.status() != 201))
        .hasSize(keyed.size() - 1)
        .allSatisfy(a -> assertThat(a.type()).endsWith("/duplicate-key"));
    assertThat(jobsWithTheirRun(t.id())).isEqualTo(plain.size() + 1);
  }
}
