package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several engines on one database: every task delivered once, none lost, none left running. */
class ClusterTest {
  static final int TASKS = 10_000;
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  @Test
  void three_engines_deliver_ten_thousand_tasks_exactly_once() throws Exception {
    List<Engine> engines = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Engine engine = fixture.engine(fixture.config().workers(30).build());
      engine.start();
      engines.add(engine);
    }
    // Inserted through all three, in batches, while the engines already run.
    List<NewTask> batch = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      batch.add(fixture.task(sink.url("/cluster")));
      if (batch.size() == 500) {
        fixture.insert(engines.get(i % 3), batch);
        batch = new ArrayList<>();
      }
    }
    sink.awaitCount(TASKS, Duration.ofSeconds(120));
    Sink.await(
        Duration.ofSeconds(30),
        "every outcome recorded",
        () -> {
          try {
            return fixture.count("SELECT count(*) FROM executions") >= TASKS;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    for (Engine engine : engines) {
      engine.stop();
    }

    Map<String, Integer> perId = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      perId.merge(r.header("webhook-id"), 1, Integer::sum);
    }
    assertThat(perId).hasSize(TASKS);
    assertThat(perId.values()).allMatch(n -> n == 1);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM executions")).isEqualTo(TASKS);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success' AND final"))
        .isEqualTo(TASKS);
    // The work was shared.
    assertThat(fixture.count("SELECT count(DISTINCT node) FROM executions")).isEqualTo(3);
  }
}
