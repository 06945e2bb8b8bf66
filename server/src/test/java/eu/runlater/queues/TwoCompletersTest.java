package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * A node with two completer threads ({@code runlater.engine.completers=2}): batches of outcomes are
 * recorded, and their queues' next messages released, by two transactions at once. Queues drained
 * side by side (so batches span queues and lock their rows in turn) keep their parallelism and
 * deliver every message once, with no transaction failing on a deadlock; an ordering key keeps its
 * order.
 */
@TestPropertySource(properties = "runlater.engine.completers=2")
class TwoCompletersTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;

  @AfterEach
  void closeSink() {
    sink.close();
  }

  @Test
  void queues_drained_side_by_side_keep_their_parallelism_and_deliver_each_message_once() {
    // The second completer thread exists only where completers is 2 or more (other test contexts
    // in this JVM run one each).
    assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
        .as("this node's second completer thread")
        .contains("runlater-completer-1");
    var t = fixtures.tenant();
    Map<String, Integer> parallelism = Map.of("p5", 5, "p3", 3, "p1", 1);
    Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    Map<String, Integer> most = new ConcurrentHashMap<>();
    sink.respond(
        r -> {
          String queue = r.path().substring(1, r.path().indexOf('/', 1));
          int now = inFlight.computeIfAbsent(queue, q -> new AtomicInteger()).incrementAndGet();
          most.merge(queue, now, Math::max);
          try {
            // Not a wait for something: each delivery takes this long, so that they overlap.
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          // Decremented before the answer goes out: the engine hears of the outcome after this.
          inFlight.get(queue).decrementAndGet();
          return Reply.status(200);
        });
    Map<String, Integer> counts = Map.of("p5", 150, "p3", 100, "p1", 40);
    int total = 0;
    for (var q : counts.entrySet()) {
      var put =
          api.put(
              "/api/v1/queues/" + q.getKey(),
              t.key(),
              "{\"parallelism\": " + parallelism.get(q.getKey()) + ", \"paused\": true}");
      assertThat(put.status()).as(put.body()).isEqualTo(201);
      for (int i = 0; i < q.getValue(); i++) {
        push(t, q.getKey(), "/" + q.getKey() + "/" + i, "");
      }
      total += q.getValue();
    }
    for (String queue : counts.keySet()) {
      var resumed = api.post("/api/v1/queues/" + queue + "/resume", t.key(), "");
      assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    }

    sink.awaitCount(total, WAIT);
    awaitAllDelivered(t, total);

    List<String> paths = sink.received().stream().map(Sink.Received::path).toList();
    assertThat(new HashSet<>(paths)).as("each message once").hasSize(total);
    assertThat(paths).hasSize(total);
    for (var q : parallelism.entrySet()) {
      assertThat(most.get(q.getKey()))
          .as("most in flight in " + q.getKey())
          .isLessThanOrEqualTo(q.getValue());
    }
  }

  @Test
  void an_ordering_key_keeps_its_order() {
    var t = fixtures.tenant();
    var put = api.put("/api/v1/queues/keyed2", t.key(), "{\"parallelism\": 10, \"paused\": true}");
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    Map<String, List<String>> expected = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      for (String key : List.of("a", "b", "c")) {
        String path = "/" + key + "/" + i;
        push(t, "keyed2", path, ", \"ordering_key\": \"" + key + "\"");
        expected.computeIfAbsent(key, k -> new ArrayList<>()).add(path);
      }
    }
    var resumed = api.post("/api/v1/queues/keyed2/resume", t.key(), "");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);

    sink.awaitCount(60, WAIT);

    Map<String, List<String>> seen = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      seen.computeIfAbsent(r.path().substring(1, 2), k -> new ArrayList<>()).add(r.path());
    }
    assertThat(seen).isEqualTo(expected);
  }

  private void push(Fixtures.Tenant t, String queue, String path, String extra) {
    var r =
        api.post(
            "/api/v1/queues/" + queue + "/messages",
            t.key(),
            "{\"url\": \"%s\"%s}".formatted(sink.url(path), extra));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private void awaitAllDelivered(Fixtures.Tenant t, int total) {
    Sink.await(
        WAIT,
        "every message recorded delivered",
        () ->
            jdbc.sql(
                        "SELECT count(*) FROM messages WHERE organization_id = :o"
                            + " AND state = 'delivered'")
                    .param("o", t.id())
                    .query(Long.class)
                    .single()
                == total);
  }
}
