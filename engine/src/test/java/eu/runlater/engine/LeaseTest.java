package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Completions, leases and fencing: a finished attempt leaves the hot table in the same transaction
 * that appends its execution; an attempt that lost its lease cannot complete.
 */
class LeaseTest {
  final EngineFixture fixture = new EngineFixture();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
  final Engine engine = fixture.engine(fixture.config().maxRescues(2).build(), clock);

  @AfterEach
  void close() {
    fixture.close();
  }

  private Completion done(ClaimedTask task, String status, Instant retryAt) {
    var id = Ids.v7(clock.instant());
    return new Completion(
        task,
        new ExecutionRecord(
            id,
            Ids.instantOf(id),
            status,
            retryAt == null,
            clock.instant(),
            clock.instant(),
            1_000L,
            200,
            null,
            retryAt,
            List.of(new Header("webhook-id", task.id().toString())),
            new ExecutionRecord.Response(List.of(), "ok".getBytes(), false),
            "node-test"),
        retryAt);
  }

  private ClaimedTask claimOne() throws Exception {
    fixture.insert(engine, List.of(fixture.task("http://127.0.0.1:9/", clock.instant())));
    return engine.producer().claim(1).getFirst();
  }

  @Test
  void a_terminal_completion_removes_the_task_and_appends_its_execution() throws Exception {
    ClaimedTask task = claimOne();
    var result = engine.completer().flush(List.of(done(task, "success", null)));
    assertThat(result.accepted()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE final AND status = 'success'"))
        .isEqualTo(1);
  }

  @Test
  void a_retry_returns_the_task_to_ready_at_its_retry_time() throws Exception {
    ClaimedTask task = claimOne();
    Instant retryAt = clock.instant().plusSeconds(30);
    engine.completer().flush(List.of(done(task, "failed", retryAt)));
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'ready'")).isEqualTo(1);
    assertThat(engine.producer().nextDue()).isEqualTo(retryAt);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE NOT final")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(engine.producer().claim(1).getFirst().attempt()).isEqualTo(2);
  }

  @Test
  void an_expired_lease_is_rescued_with_a_lost_execution_and_the_late_completion_is_rejected()
      throws Exception {
    ClaimedTask first = claimOne();
    // Lease: 5 s timeout + 5 s margin. Nothing is rescued before it expires...
    clock.advance(Duration.ofSeconds(9));
    assertThat(engine.rescuer().runOnce().rescued()).isZero();
    // ...and the task is rescued after.
    clock.advance(Duration.ofSeconds(2));
    assertThat(engine.rescuer().runOnce().rescued()).isEqualTo(1);
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE status = 'lost' AND NOT final"
                    + " AND error LIKE '%node-%'"))
        .isEqualTo(1);

    ClaimedTask second = engine.producer().claim(1).getFirst();
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.leaseToken()).isNotEqualTo(first.leaseToken());

    // The cut-off first attempt reports late: fenced out, nothing recorded.
    var late = engine.completer().flush(List.of(done(first, "success", null)));
    assertThat(late.accepted()).isZero();
    assertThat(late.rejected()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success'")).isZero();

    // The current attempt completes normally.
    assertThat(engine.completer().flush(List.of(done(second, "success", null))).accepted())
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
  }

  @Test
  void the_attempt_after_a_rescue_says_the_earlier_one_was_lost_with_its_node() throws Exception {
    ClaimedTask first = claimOne();
    assertThat(first.held()).isNull();
    clock.advance(Duration.ofSeconds(11));
    Instant rescuedAt = clock.instant();
    engine.rescuer().runOnce();
    ClaimedTask second = engine.producer().claim(1).getFirst();
    assertThat(second.held())
        .isEqualTo(
            new ClaimedTask.Held(
                ClaimedTask.Held.NODE_LOST, rescuedAt, rescuedAt, engine.config().nodeId()));
    engine.completer().flush(List.of(done(second, "success", null)));
    // Carried by the execution insert, from the task: the lost attempt's own row has no hold.
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE status = 'success' AND attempt = 2"
                    + " AND held_by = 'node_lost' AND held_note = '"
                    + engine.config().nodeId()
                    + "'"))
        .isEqualTo(1);
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE status = 'lost' AND held_by IS NULL"))
        .isEqualTo(1);
  }

  @Test
  void a_lost_lease_does_not_use_up_the_retry_budget() throws Exception {
    ClaimedTask first = claimOne();
    assertThat(first.canRetry()).isFalse(); // one attempt allowed
    clock.advance(Duration.ofSeconds(11));
    engine.rescuer().runOnce();
    ClaimedTask second = engine.producer().claim(1).getFirst();
    assertThat(second.rescues()).isEqualTo(1);
    assertThat(second.failuresIfThisFails()).isEqualTo(1);
  }

  @Test
  void a_task_that_keeps_losing_its_lease_is_abandoned_with_a_final_lost_execution()
      throws Exception {
    claimOne();
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(11));
      assertThat(engine.rescuer().runOnce().rescued()).isEqualTo(1);
      assertThat(engine.producer().claim(1)).hasSize(1);
    }
    clock.advance(Duration.ofSeconds(11));
    var result = engine.rescuer().runOnce();
    assertThat(result.abandoned()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost' AND final"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost'")).isEqualTo(3);
  }

  @Test
  void rescued_tasks_wake_every_node_with_one_notification() throws Exception {
    claimOne();
    try (var listener = fixture.connection()) {
      listener.createStatement().execute("LISTEN " + TaskQueries.WAKE_CHANNEL);
      clock.advance(Duration.ofSeconds(11));
      engine.rescuer().runOnce();
      var pg = listener.unwrap(org.postgresql.PGConnection.class);
      var notifications = pg.getNotifications(2_000);
      assertThat(notifications).hasSize(1);
      assertThat(Long.parseLong(notifications[0].getParameter()))
          .isEqualTo(clock.instant().toEpochMilli());
    }
  }

  @Test
  void releasing_a_task_hands_it_back_as_if_never_claimed() throws Exception {
    ClaimedTask task = claimOne();
    int released =
        fixture.db.withConnection(
            c ->
                Db.query(
                        c,
                        TaskQueries.TASK_RELEASE,
                        Db.Params.of("ids", Db.SqlArray.of("uuid", List.of(task.id())))
                            .put("tokens", Db.SqlArray.of("bigint", List.of(task.leaseToken()))),
                        rs -> rs.getObject(1))
                    .size());
    assertThat(released).isEqualTo(1);
    assertThat(engine.producer().claim(1).getFirst().attempt()).isEqualTo(1);
  }
}
