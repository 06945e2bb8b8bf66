package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineConfig#completers()} at 2: two threads record batches of outcomes at once, each in
 * its own transaction with its hooks. Every task is delivered and recorded once, every final
 * outcome reaches the hook once, and the two threads' transactions really overlapped.
 */
class TwoCompletersEngineTest {
  static final int TASKS = 600;
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();
  final AtomicInteger inHook = new AtomicInteger();
  final AtomicInteger mostInHook = new AtomicInteger();
  final Engine engine =
      fixture.engine(
          fixture.config().completers(2).build(),
          java.time.InstantSource.system(),
          finished -> {
            mostInHook.accumulateAndGet(inHook.incrementAndGet(), Math::max);
            try {
              EngineFixture.logOutcomes(finished);
              // Not a wait for something: a hook that takes this long (a queue's release, a
              // workflow's next steps), so that the other thread's batch comes meanwhile.
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              inHook.decrementAndGet();
            }
          });

  @BeforeEach
  void logTable() throws Exception {
    fixture.createOutcomeLog();
  }

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  @Test
  void two_threads_record_every_outcome_once_in_transactions_that_overlap() throws Exception {
    engine.start();
    Set<UUID> ids = new HashSet<>();
    List<NewTask> batch = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      NewTask task = fixture.task(sink.url("/two"), Instant.now());
      ids.add(task.id());
      batch.add(task);
      if (batch.size() == 100) {
        fixture.insert(engine, batch);
        batch = new ArrayList<>();
      }
    }

    sink.awaitCount(TASKS, Duration.ofSeconds(60));
    Sink.await(
        Duration.ofSeconds(30),
        "every outcome recorded",
        () -> fixture.count("SELECT count(*) FROM outcome_log") == TASKS);

    Set<UUID> delivered = new HashSet<>();
    for (Sink.Received r : sink.received()) {
      String body = new String(r.body(), StandardCharsets.UTF_8);
      delivered.add(UUID.fromString(body.substring(9, 45)));
    }
    assertThat(delivered).as("each task delivered").isEqualTo(ids);
    assertThat(sink.count()).as("none twice").isEqualTo(TASKS);
    assertThat(fixture.count("SELECT count(DISTINCT task_id) FROM outcome_log")).isEqualTo(TASKS);
    assertThat(fixture.count("SELECT count(*) FROM outcome_log WHERE status = 'success'"))
        .isEqualTo(TASKS);
    assertThat(fixture.count("SELECT count(*) FROM executions")).isEqualTo(TASKS);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    assertThat(mostInHook.get()).as("two batches' transactions at once").isEqualTo(2);
  }
}
