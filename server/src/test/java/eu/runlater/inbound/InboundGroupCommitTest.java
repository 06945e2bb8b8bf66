package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Concurrent webhooks share transactions (group commit) over real HTTP and PostgreSQL: every
 * acknowledged request is stored with its forwards and delivered, an event id sent many times at
 * once is accepted once, and a request that cannot be stored fails alone.
 */
class InboundGroupCommitTest extends ServerTest {
  static final Duration WITHIN = Duration.ofSeconds(60);

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  private JsonNode source(Fixtures.Tenant t, String extra) {
    var r = api.post("/api/v1/sources", t.key(), "{\"name\": \"in\"" + extra + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private void connection(Fixtures.Tenant t, JsonNode source, String url) {
    var r =
        api.post(
            "/api/v1/connections",
            t.key(),
            "{\"source_id\": \"%s\", \"name\": \"to sink\", \"destination_url\": \"%s\"}"
                .formatted(source.get("id").asString(), url));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  /** POSTs each body to its source from {@code threads} threads at once; answers in order. */
  private List<Answer> sendAll(int threads, List<JsonNode> sources, List<String> bodies)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Answer>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int i = 0; i < bodies.size(); i++) {
        String path =
            sources.get(i % sources.size()).get("url").asString().replaceFirst("^http://[^/]+", "");
        String body = bodies.get(i);
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  var r =
                      api.send(
                          api.request(path)
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofString(body)));
                  return new Answer(
                      r.status(),
                      r.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElse(null),
                      r.headers().firstValue("Runlater-Request-Status").orElse(null));
                }));
      }
      start.countDown();
      List<Answer> out = new ArrayList<>();
      for (Future<Answer> f : answers) {
        out.add(f.get(WITHIN.toSeconds(), TimeUnit.SECONDS));
      }
      return out;
    }
  }

  private record Answer(int status, String requestId, String stored) {}

  private double batched() {
    var s = meters.find("runlater.group_commit.batch.size").tag("name", "inbound").summary();
    return s == null ? 0 : s.totalAmount() - s.count();
  }

  @Test
  void two_hundred_concurrent_webhooks_are_each_stored_with_its_forward_and_none_is_lost()
      throws Exception {
    var t = fixtures.tenant();
    try (Sink sink = Sink.start()) {
      // Four sources: one source's own rate limit (100 a second by default) is not the subject.
      List<JsonNode> sources = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JsonNode s = source(t, "");
        connection(t, s, sink.url("/hook"));
        sources.add(s);
      }
      double before = batched();
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        bodies.add("{\"n\": " + i + "}");
      }
      List<Answer> answers = sendAll(32, sources, bodies);

      assertThat(answers).extracting(Answer::status).containsOnly(202);
      Set<UUID> ids = ConcurrentHashMap.newKeySet();
      answers.forEach(a -> ids.add(UUID.fromString(a.requestId())));
      assertThat(ids).hasSize(200);
      // Stored, each with its one forward queued, in the transactions that answered them.
      Map<String, Object> stored =
          jdbc.sql(
                  """
                  SELECT count(*) AS events,
                         count(*) FILTER (WHERE e.status = 'accepted') AS accepted,
                         (SELECT count(*) FROM inbound_forwards f
                           WHERE f.event_id = ANY(CAST(:ids AS uuid[])) AND f.state = 'queued')
                           AS forwards
                    FROM inbound_events e WHERE e.id = ANY(CAST(:ids AS uuid[]))
                  """)
              .param("ids", ids.toArray(UUID[]::new))
              .query()
              .singleRow();
      assertThat(stored)
          .containsEntry("events", 200L)
          .containsEntry("accepted", 200L)
          .containsEntry("forwards", 200L);
      // Many shared a commit: some transaction held more than one request.
      assertThat(batched() - before).isPositive();
      // And every one is forwarded: nothing acknowledged was lost.
      sink.awaitCount(200, WITHIN);
      Set<String> delivered = ConcurrentHashMap.newKeySet();
      sink.received().forEach(r -> delivered.add(new String(r.body())));
      assertThat(delivered).containsExactlyInAnyOrderElementsOf(bodies);
    }
  }

  @Test
  void one_event_id_sent_twenty_times_at_once_is_accepted_once_and_the_rest_are_duplicates()
      throws Exception {
    var t = fixtures.tenant();
    JsonNode s = source(t, ", \"dedup\": {\"json_path\": \"id\"}");
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      bodies.add("{\"id\": \"evt_same\", \"n\": " + i + "}");
    }
    List<Answer> answers = sendAll(20, List.of(s), bodies);

    assertThat(answers).extracting(Answer::status).containsOnly(202);
    assertThat(answers).filteredOn(a -> a.stored().equals("accepted")).hasSize(1);
    assertThat(answers).filteredOn(a -> a.stored().equals("duplicate")).hasSize(19);
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM inbound_events WHERE source_id = :s AND status = 'duplicate'")
                .param("s", UUID.fromString(s.get("id").asString()))
                .query(Long.class)
                .single())
        .isEqualTo(19);
  }

  @Test
  void a_request_that_cannot_be_stored_fails_alone_and_its_neighbours_are_acknowledged()
      throws Exception {
    var t = fixtures.tenant();
    JsonNode s = source(t, ", \"dedup\": {\"json_path\": \"id\"}");
    // No request a provider can send is known to be refused by the database any more (an event
    // id holding a NUL character was, until ids were kept as bytes), so the database is made to
    // refuse some: a trigger raises for their bodies, after the requests were verified and handed
    // to the group commit, as a broken disk or a constraint would.
    jdbc.sql(
            """
            CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF position(convert_to('poison', 'UTF8') IN NEW.body) > 0 THEN
                RAISE EXCEPTION 'refused by the test';
              END IF;
              RETURN NEW;
            END $$
            """)
        .update();
    jdbc.sql(
            """
            CREATE TRIGGER test_refuse_poison BEFORE INSERT ON inbound_events
              FOR EACH ROW EXECUTE FUNCTION test_refuse_poison()
            """)
        .update();
    try {
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        bodies.add(
            i % 10 == 3
                ? "{\"id\": \"evt_" + i + "\", \"poison\": true}"
                : "{\"id\": \"evt_" + i + "\"}");
      }
      List<Answer> answers = sendAll(40, List.of(s), bodies);

      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).status()).as("request " + i).isEqualTo(i % 10 == 3 ? 500 : 202);
      }
      assertThat(
              jdbc.sql("SELECT count(*) FROM inbound_events WHERE source_id = :s")
                  .param("s", UUID.fromString(s.get("id").asString()))
                  .query(Long.class)
                  .single())
          .isEqualTo(36);
      // A refused request's event id was claimed in the transaction that rolled back: not kept.
      assertThat(
              jdbc.sql("SELECT count(*) FROM inbound_dedup WHERE source_id = :s")
                  .param("s", UUID.fromString(s.get("id").asString()))
                  .query(Long.class)
                  .single())
          .isEqualTo(36);
    } finally {
      jdbc.sql("DROP TRIGGER test_refuse_poison ON inbound_events").update();
      jdbc.sql("DROP FUNCTION test_refuse_poison()").update();
    }
  }
}
