package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** On time, not on tick: nodes wake for due tasks through timers and notifications. */
class WakeupTest {
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  /** Polling so rare that only a timer or a notification can explain a prompt delivery. */
  private EngineConfig.Builder noPolling() {
    return fixture.config().pollInterval(Duration.ofMinutes(10));
  }

  /** Until the engine's producer sleeps for what can only be the (rare) poll. */
  private static void awaitAsleep(Engine engine) {
    Sink.await(
        Duration.ofSeconds(10),
        "the engine to go to sleep",
        () -> engine.wakeups().plannedWake().isAfter(Instant.now().plusSeconds(60)));
  }

  @Test
  void a_task_inserted_on_another_node_is_delivered_without_waiting_for_a_poll() throws Exception {
    Engine worker = fixture.engine(noPolling().build());
    Engine api = fixture.engine(noPolling().build()); // inserts only; never started
    worker.start();
    awaitAsleep(worker);

    fixture.insert(api, List.of(fixture.task(sink.url("/now"))));
    sink.awaitCount(1, Duration.ofSeconds(10));
  }

  @Test
  void a_task_announced_before_the_listener_listens_is_still_delivered_promptly() throws Exception {
    // The listener connects on its own thread: hold it back until the task has been announced to
    // nobody, as happens when an insert lands while a node is starting.
    CountDownLatch listenerMayConnect = new CountDownLatch(1);
    ConnectionFactory plain = fixture.dedicated();
    ConnectionFactory held =
        () -> {
          if (Thread.currentThread().getName().equals("runlater-listener")) {
            try {
              listenerMayConnect.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new SQLException("interrupted", e);
            }
          }
          return plain.open();
        };
    Engine worker = fixture.engine(noPolling().build(), held);
    Engine api = fixture.engine(noPolling().build()); // inserts only; never started
    worker.start();
    awaitAsleep(worker);

    fixture.insert(api, List.of(fixture.task(sink.url("/early"))));
    listenerMayConnect.countDown();
    sink.awaitCount(1, Duration.ofSeconds(10));
  }

  @Test
  void a_timer_wakes_the_node_for_a_task_due_in_the_future() throws Exception {
    Engine engine = fixture.engine(noPolling().build());
    engine.start();
    Instant due = Instant.now().plusMillis(700);
    fixture.insert(engine, List.of(fixture.task(sink.url("/later"), due)));
    sink.awaitCount(1, Duration.ofSeconds(10));
    assertThat(sink.received().getFirst().at()).isAfterOrEqualTo(due);
  }

  @Test
  void an_insert_notifies_once_and_only_when_it_changes_a_wake_up_time() throws Exception {
    Engine engine = fixture.engine(noPolling().build());
    assertThat(engine.wakeups().plannedWake()).as("not started").isEqualTo(Instant.MAX);
    engine.start();
    // Working from the moment start() returns, so that the wait below sees a real sleep.
    assertThat(engine.wakeups().plannedWake()).as("started").isBefore(Instant.MAX);
    awaitAsleep(engine);

    try (Connection listener = fixture.connection()) {
      listener.createStatement().execute("LISTEN " + TaskQueries.WAKE_CHANNEL);
      PGConnection pg = listener.unwrap(PGConnection.class);

      // A batch due within the hour, sooner than the engine's planned wake: one notification.
      Instant soon = Instant.now().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MILLIS);
      List<NewTask> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        batch.add(fixture.task(sink.url("/x"), soon.plusSeconds(i)));
      }
      fixture.insert(engine, batch);
      var first = pg.getNotifications(2_000);
      assertThat(first).hasSize(1);
      assertThat(Long.parseLong(first[0].getParameter())).isEqualTo(soon.toEpochMilli());

      Sink.await(
          Duration.ofSeconds(10),
          "the engine to plan its wake for the batch",
          () -> engine.wakeups().plannedWake().equals(soon));

      // Later than the engine already plans to wake: no notification at all.
      fixture.insert(engine, List.of(fixture.task(sink.url("/y"), soon.plusSeconds(3_600))));
      assertThat(pg.getNotifications(500)).isNullOrEmpty();
    }
  }
}
