package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault battery's R6 in short: a rolling restart under load. Three engines deliver a steady
 * stream of tasks; one after another each is stopped the way the server stops it on SIGTERM ({@link
 * Engine#stop()}, which the server's lifecycle calls when Spring closes on the signal: claiming
 * stops, in-flight deliveries finish within the grace) and a new node takes its place. Lost 0,
 * duplicated 0 (every task delivered exactly once, no lost attempt recorded), and nothing stuck: a
 * stopped node holds no task once its stop returns, and no task is left at the end.
 */
class ClusterRollingStopTest {
  static final Duration BATCH_EVERY = Duration.ofMillis(100);
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  @Test
  void a_rolling_stop_of_every_node_loses_and_repeats_nothing() throws Exception {
    sink.respond(r -> Reply.status(200).after(Duration.ofMillis(150)));
    List<Engine> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Engine engine = fixture.engine(fixture.config().build());
      engine.start();
      first.add(engine);
    }

    Engine inserter = fixture.engine(fixture.config().build()); // not started: inserts only
    Set<UUID> inserted = ConcurrentHashMap.newKeySet();
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicReference<Exception> loadFailed = new AtomicReference<>();
    Thread load =
        Thread.ofPlatform()
            .daemon()
            .name("r6-load")
            .start(
                () -> {
                  try {
                    while (loading.get()) {
                      List<NewTask> batch = new ArrayList<>();
                      for (int i = 0; i < 8; i++) {
                        Instant runAt = Instant.now().plusMillis(i < 6 ? 0 : 250L * i);
                        batch.add(ChildEngines.task(sink.url("/r6"), runAt, 5_000));
                      }
                      fixture.insert(inserter, batch);
                      batch.forEach(t -> inserted.add(t.id()));
                      Thread.sleep(BATCH_EVERY);
                    }
                  } catch (Exception e) {
                    loadFailed.set(e);
                  }
                });

    for (Engine old : first) {
      String node = old.config().nodeId();
      Sink.await(
          Duration.ofSeconds(60),
          node + " to have deliveries in flight",
          () -> count("SELECT count(*) FROM tasks WHERE claimed_by = '" + node + "'") > 0);
      old.stop();
      assertThat(count("SELECT count(*) FROM tasks WHERE claimed_by = '" + node + "'"))
          .as("tasks %s still holds after its stop", node)
          .isZero();
      Engine next = fixture.engine(fixture.config().build());
      next.start();
      String nextNode = next.config().nodeId();
      Sink.await(
          Duration.ofSeconds(60),
          nextNode + " to deliver",
          () -> count("SELECT count(*) FROM executions WHERE node = '" + nextNode + "'") > 0);
    }
    loading.set(false);
    load.join();
    if (loadFailed.get() != null) {
      throw new AssertionError("the load could not insert", loadFailed.get());
    }
    Sink.await(
        Duration.ofMinutes(2),
        "every task to finish",
        () -> count("SELECT count(*) FROM tasks") == 0 && sink.inFlight() == 0);

    Map<UUID, Integer> deliveries = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      deliveries.merge(
          UUID.fromString(new String(r.body(), StandardCharsets.UTF_8)), 1, Integer::sum);
    }
    System.out.printf(
        "R6: %d tasks, %d deliveries over a rolling stop of 3 nodes%n",
        inserted.size(), sink.count());
    assertThat(deliveries.keySet()).as("lost").containsExactlyInAnyOrderElementsOf(inserted);
    assertThat(deliveries.values()).as("duplicated").containsOnly(1);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost'")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success' AND final"))
        .isEqualTo(inserted.size());
    assertThat(fixture.count("SELECT count(*) FROM executions")).isEqualTo(inserted.size());
    assertThat(fixture.count("SELECT count(*) FROM tasks")).as("stuck").isZero();
  }

  private long count(String sql) {
    try {
      return fixture.count(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
