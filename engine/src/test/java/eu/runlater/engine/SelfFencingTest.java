package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Self-fencing between the claim and the send: a task claimed while the node's heartbeat was fresh
 * is not sent once the heartbeat has gone stale (the node cut off from the database, and the leader
 * about to hand its tasks on); it goes back to ready unsent and is delivered once, later.
 */
class SelfFencingTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();
  final CountDownLatch inSigning = new CountDownLatch(1);
  final CountDownLatch signingMayReturn = new CountDownLatch(1);

  @AfterEach
  void close() {
    signingMayReturn.countDown();
    fixture.close();
    sink.close();
  }

  private long count(String sql) {
    try {
      return fixture.count(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_task_claimed_before_the_heartbeat_went_stale_is_handed_back_unsent() throws Exception {
    // The node's own sessions (heartbeat, leader lock, wake-ups) can be cut; its pool cannot, so
    // only the check before the send keeps the claimed task from going out.
    AtomicBoolean cut = new AtomicBoolean();
    String url = TestPostgres.jdbcUrl(fixture.database);
    ConnectionFactory sessions =
        () -> {
          if (cut.get()) {
            throw new SQLException("cut off (test)", "08001");
          }
          return DriverManager.getConnection(url, "postgres", null);
        };
    // Between the claim and the send the delivery looks up the signing secrets (the server's
    // lookup may query the database): the first lookup is held until the test lets it return.
    AtomicInteger lookups = new AtomicInteger();
    SigningSecrets signing =
        org -> {
          if (lookups.incrementAndGet() == 1) {
            inSigning.countDown();
            try {
              signingMayReturn.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return List.of(EngineFixture.SECRET);
        };
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Engine engine =
        fixture.stopsWithFixture(
            Engine.builder(
                    fixture
                        .config()
                        .heartbeatInterval(Duration.ofMillis(100))
                        .deadAfter(Duration.ofSeconds(1))
                        .build())
                .database(fixture.pool, sessions)
                .http(fixture.http())
                .secrets(fixture.secrets, signing)
                .meters(meters)
                .build());
    engine.start();
    sink.respond(r -> Sink.Reply.status(200));
    fixture.insert(engine, List.of(fixture.task(sink.url("/held"))));
    assertThat(inSigning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the claimed task's delivery reached the signing lookup")
        .isTrue();
    assertThat(count("SELECT count(*) FROM tasks WHERE state = 'running'")).isEqualTo(1);

    cut.set(true);
    try (Connection admin = fixture.connection()) {
      admin
          .createStatement()
          .execute(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                  + " WHERE application_name = 'runlater-engine' AND datname = current_database()");
    }
    Sink.await(WAIT, "the node to fence itself", () -> !engine.heartbeat().fresh());
    signingMayReturn.countDown();

    Sink.await(
        WAIT,
        "the task handed back or sent",
        () ->
            sink.count() > 0
                || count("SELECT count(*) FROM tasks WHERE state = 'ready' AND claimed_by IS NULL")
                    == 1);
    assertThat(sink.count()).as("sent after the heartbeat went stale").isZero();
    assertThat(count("SELECT count(*) FROM executions")).isZero();
    assertThat(meters.get("runlater.tasks.fenced").counter().count()).isEqualTo(1.0);

    // Reconnected, the node claims it again and delivers it once, as its first attempt.
    cut.set(false);
    sink.awaitCount(1, WAIT);
    Sink.await(WAIT, "the outcome recorded", () -> count("SELECT count(*) FROM tasks") == 0);
    assertThat(sink.count()).isEqualTo(1);
    assertThat(sink.received().getFirst().path()).isEqualTo("/held");
    assertThat(sink.received().getFirst().header("Runlater-Attempt")).isEqualTo("1");
    assertThat(count("SELECT count(*) FROM executions WHERE status = 'success'")).isEqualTo(1);
  }
}
