package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The claim hook acts inside the claim's transaction: its work commits or rolls back with it. */
class ClaimHookTest {
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  private Engine engine(ClaimHook hook) {
    return fixture.stopsWithFixture(
        Engine.builder(fixture.config().build())
            .database(fixture.pool, fixture.dedicated())
            .http(fixture.http())
            .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
            .hook(hook)
            .build());
  }

  @Test
  void what_the_hook_inserts_commits_with_the_claim_and_what_it_drops_is_not_delivered()
      throws Exception {
    NewTask keep = fixture.task(sink.url("/keep"));
    NewTask drop = fixture.task(sink.url("/drop"));
    NewTask follower = fixture.task(sink.url("/follower"), Instant.now().plusSeconds(3600));
    AtomicBoolean once = new AtomicBoolean();
    Engine engine =
        engine(
            claim -> {
              List<ClaimedTask> deliver = new ArrayList<>();
              List<ClaimedTask> dropped = new ArrayList<>();
              for (ClaimedTask t : claim.tasks()) {
                (t.id().equals(drop.id()) ? dropped : deliver).add(t);
              }
              claim.engine().deleteClaimed(claim.connection(), dropped);
              if (once.compareAndSet(false, true)) {
                claim.engine().insert(claim.connection(), List.of(follower));
              }
              return deliver;
            });
    fixture.insert(engine, List.of(keep, drop));
    engine.start();
    sink.awaitCount(1, Duration.ofSeconds(10));
    Sink.await(
        Duration.ofSeconds(10),
        "the kept task recorded",
        () -> fixture.count("SELECT count(*) FROM executions") == 1);
    assertThat(sink.received()).extracting(Sink.Received::path).containsExactly("/keep");
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE id = '" + drop.id() + "'")).isZero();
    assertThat(
            fixture.count(
                "SELECT count(*) FROM tasks WHERE id = '"
                    + follower.id()
                    + "' AND state = 'ready'"))
        .isEqualTo(1);
  }

  @Test
  void a_failing_hook_rolls_the_claim_back() throws Exception {
    NewTask task = fixture.task(sink.url("/x"));
    NewTask never = fixture.task(sink.url("/never"));
    Engine engine =
        engine(
            claim -> {
              claim.engine().insert(claim.connection(), List.of(never));
              throw new SQLException("hook failed");
            });
    fixture.insert(engine, List.of(task));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.producer().claim(10))
        .hasMessageContaining("hook failed");
    assertThat(
            fixture.count(
                "SELECT count(*) FROM tasks WHERE id = '"
                    + task.id()
                    + "' AND state = 'ready' AND attempt = 0"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE id = '" + never.id() + "'"))
        .isZero();
  }

  @Test
  void cancelling_a_running_task_interrupts_its_attempt_on_whichever_node_runs_it()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    sink.respond(
        r -> {
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Reply.status(200);
        });
    Engine runner = engine(ClaimHook.NONE);
    Engine other = fixture.engine(fixture.config().build()); // never started: cancels only
    NewTask task = fixture.task(sink.url("/long"));
    fixture.insert(runner, List.of(task));
    runner.start();
    Sink.await(Duration.ofSeconds(10), "the attempt in flight", () -> sink.inFlight() == 1);
    Sink.await(Duration.ofSeconds(10), "the worker busy", () -> runner.workers().busy() == 1);

    List<UUID> cancelled =
        fixture.db.inTransaction(c -> other.tasks().cancelRunning(c, List.of(task.id())));
    assertThat(cancelled).containsExactly(task.id());
    Sink.await(Duration.ofSeconds(10), "the worker freed", () -> runner.workers().busy() == 0);
    release.countDown();
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    // The interrupted attempt records nothing: the canceller records the cancellation.
    assertThat(fixture.count("SELECT count(*) FROM executions")).isZero();
  }
}
