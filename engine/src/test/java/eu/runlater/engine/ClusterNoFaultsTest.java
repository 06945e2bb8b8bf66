package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault battery's R1 in short: three engines, each in a process of its own, on one database,
 * tasks due now and over the next seconds, no faults. Lost 0 (every task delivered and recorded),
 * duplicated 0 (every task delivered once), stuck 0 (no task left behind), none early.
 */
class ClusterNoFaultsTest {
  static final int NOW = 1_500;
  static final int LATER = 1_500;
  static final Duration SPREAD = Duration.ofSeconds(10);
  final EngineFixture fixture = new EngineFixture();
  final ChildEngines nodes = new ChildEngines(fixture);
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    nodes.close();
    fixture.close();
    sink.close();
  }

  @Test
  void three_engine_processes_deliver_every_task_once_and_none_early() throws Exception {
    nodes.start("r1-a", "r1-b", "r1-c");
    Engine inserter = fixture.engine(fixture.config().build()); // not started: inserts only
    Map<UUID, Instant> due = new HashMap<>();
    Instant start = Instant.now();
    // Due now, in batches of a hundred while the nodes run; and due over the next ten seconds.
    List<NewTask> batch = new ArrayList<>();
    for (int i = 0; i < NOW + LATER; i++) {
      Instant runAt =
          i < NOW ? Instant.now() : start.plus(SPREAD.multipliedBy(i - NOW).dividedBy(LATER));
      // A long timeout, so a long lease: a node slowed by a busy machine keeps its tasks.
      NewTask task = ChildEngines.task(sink.url("/r1"), runAt, 30_000);
      due.put(task.id(), runAt);
      batch.add(task);
      if (batch.size() == 100) {
        fixture.insert(inserter, batch);
        batch = new ArrayList<>();
      }
    }
    // Generous: the test is about what arrives, not how fast (a busy CI machine is slow).
    sink.awaitCount(NOW + LATER, Duration.ofMinutes(3));
    Sink.await(
        Duration.ofSeconds(60),
        "no task left",
        () -> fixture.count("SELECT count(*) FROM tasks") == 0);

    Map<UUID, List<Sink.Received>> byTask = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      UUID id = UUID.fromString(new String(r.body(), StandardCharsets.UTF_8));
      byTask.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
    }
    assertThat(byTask.keySet()).as("lost").isEqualTo(due.keySet());
    assertThat(byTask.values()).as("duplicated").allMatch(deliveries -> deliveries.size() == 1);
    byTask.forEach(
        (id, deliveries) ->
            assertThat(deliveries.getFirst().at())
                .as("task %s early", id)
                .isAfterOrEqualTo(due.get(id)));
    assertThat(fixture.count("SELECT count(*) FROM tasks")).as("stuck").isZero();
    assertThat(fixture.count("SELECT count(*) FROM executions")).isEqualTo(NOW + LATER);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success' AND final"))
        .isEqualTo(NOW + LATER);
    assertThat(fixture.count("SELECT count(DISTINCT node) FROM executions"))
        .as("every node took part")
        .isEqualTo(3);
  }
}
