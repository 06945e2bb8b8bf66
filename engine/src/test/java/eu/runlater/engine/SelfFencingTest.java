package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /** The engine's own sessions (heartbeat, leader lock, wake-ups), which a test cuts. */
  final CuttableSessions sessions = new CuttableSessions(fixture);

  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /**
   * A node with a heartbeat every 100 ms, stale after 1 s, whose {@link #sessions} a test cuts (its
   * pool stays: only self-fencing keeps it from sending). Between the claim and the send a delivery
   * looks up the signing secrets (the server's lookup may query the database): the first lookup is
   * held until {@link #signingMayReturn}.
   */
  private Engine node() {
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
    return fixture.stopsWithFixture(
        Engine.builder(CuttableSessions.staleSoon(fixture).build())
            .database(fixture.pool, sessions)
            .http(fixture.http())
            .secrets(fixture.secrets, signing)
            .meters(meters)
            .build());
  }

  /** Starts the node with one task and returns once its delivery is held between claim and send. */
  private Engine nodeHoldingATask() throws Exception {
    Engine engine = node();
    engine.start();
    sink.respond(r -> Sink.Reply.status(200));
    fixture.insert(engine, List.of(fixture.task(sink.url("/held"))));
    assertThat(inSigning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the claimed task's delivery reached the signing lookup")
        .isTrue();
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'")).isEqualTo(1);
    return engine;
  }

  private double fenced() {
    return meters.get("runlater.tasks.fenced").counter().count();
  }

  @Test
  void a_task_claimed_before_the_heartbeat_went_stale_is_handed_back_unsent() throws Exception {
    Engine engine = nodeHoldingATask();
    sessions.cutOff(engine, WAIT);
    signingMayReturn.countDown();

    Sink.await(
        WAIT,
        "the task handed back or sent",
        () ->
            sink.count() > 0
                || fixture.count(
                        "SELECT count(*) FROM tasks WHERE state = 'ready' AND claimed_by IS NULL")
                    == 1);
    assertThat(sink.count()).as("sent after the heartbeat went stale").isZero();
    assertThat(fixture.count("SELECT count(*) FROM executions")).isZero();
    assertThat(fenced()).isEqualTo(1.0);

    // Reconnected, the node claims it again and delivers it once, as its first attempt.
    sessions.reconnect();
    sink.awaitCount(1, WAIT);
    Sink.await(
        WAIT, "the outcome recorded", () -> fixture.count("SELECT count(*) FROM tasks") == 0);
    assertThat(sink.count()).isEqualTo(1);
    assertThat(sink.received().getFirst().path()).isEqualTo("/held");
    assertThat(sink.received().getFirst().header("Runlater-Attempt")).isEqualTo("1");
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success'"))
        .isEqualTo(1);
  }

  @Test
  void a_task_claimed_before_the_node_was_declared_dead_is_not_sent_once_it_is_back()
      throws Exception {
    Engine engine = nodeHoldingATask();
    sessions.cutOff(engine, WAIT);
    // The leader (another node) declares the silent node dead and hands its task on.
    Engine leader = fixture.engine(fixture.config().build()); // not started: driven directly
    Sink.await(
        WAIT,
        "the node declared dead and its task handed on",
        () -> {
          try {
            return leader.rescuer().handOver(Duration.ofSeconds(1)).handedOn() == 1;
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    // Back: the node registers again, fresh, claims the handed-on task anew and delivers it, while
    // its first claim of it is still held before the send.
    sessions.reconnect();
    sink.awaitCount(1, WAIT);
    Sink.await(
        WAIT, "the outcome recorded", () -> fixture.count("SELECT count(*) FROM tasks") == 0);
    assertThat(engine.heartbeat().fresh()).isTrue();
    assertThat(sink.received().getFirst().header("Runlater-Attempt")).isEqualTo("2");

    signingMayReturn.countDown();
    Sink.await(WAIT, "the first claim fenced or sent", () -> fenced() == 1 || sink.count() > 1);
    assertThat(sink.count()).as("the first claim sent after the hand-over").isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success'"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost'")).isEqualTo(1);
  }
}
