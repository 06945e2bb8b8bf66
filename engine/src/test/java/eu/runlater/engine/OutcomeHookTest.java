package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.testing.MutableClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outcome hook runs in the transaction that records a task's final outcome, for every way a
 * task can end, and for nothing else.
 */
class OutcomeHookTest {
  final EngineFixture fixture = new EngineFixture();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
  volatile boolean failing;
  final Engine engine =
      fixture.engine(
          fixture.config().maxRescues(0).build(),
          clock,
          finished -> {
            if (failing) {
              throw new SQLException("the source could not record its side");
            }
            EngineFixture.logOutcomes(finished);
          });

  @BeforeEach
  void logTable() throws Exception {
    fixture.createOutcomeLog();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private ClaimedTask claimOne() throws Exception {
    fixture.insert(engine, List.of(fixture.task("http://127.0.0.1:9/", clock.instant())));
    return engine.producer().claim(1).getFirst();
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
            status.equals("success") ? 200 : 500,
            null,
            retryAt,
            List.of(new Header("webhook-id", task.id().toString())),
            new ExecutionRecord.Response(List.of(), new byte[0], false),
            "node-test"),
        retryAt);
  }

  private List<String> logged() throws SQLException {
    return fixture.db.withConnection(
        c ->
            eu.runlater.engine.db.Db.query(
                c,
                "SELECT task_id || ':' || status FROM outcome_log ORDER BY status",
                eu.runlater.engine.db.Db.Params.of(),
                rs -> rs.getString(1)));
  }

  @Test
  void final_outcomes_reach_the_hook_and_retries_and_fenced_completions_do_not() throws Exception {
    ClaimedTask ok = claimOne();
    ClaimedTask failed = claimOne();
    ClaimedTask retried = claimOne();
    engine
        .completer()
        .flush(
            List.of(
                done(ok, "success", null),
                done(failed, "failed", null),
                done(retried, "failed", clock.instant().plusSeconds(60))));
    assertThat(logged()).containsExactly(failed.id() + ":failed", ok.id() + ":success");

    // A second report of a finished attempt is fenced out and reaches no one.
    engine.completer().flush(List.of(done(ok, "success", null)));
    assertThat(logged()).hasSize(2);
  }

  @Test
  void a_task_abandoned_after_losing_its_lease_reaches_the_hook() throws Exception {
    ClaimedTask task = claimOne();
    clock.advance(Duration.ofSeconds(11));
    assertThat(engine.rescuer().runOnce().abandoned()).isEqualTo(1);
    assertThat(logged()).containsExactly(task.id() + ":lost");
  }

  @Test
  void when_the_hook_fails_the_outcome_is_not_recorded_either() throws Exception {
    ClaimedTask task = claimOne();
    failing = true;
    assertThatThrownBy(() -> engine.completer().flush(List.of(done(task, "success", null))))
        .hasMessage("the source could not record its side");
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM executions")).isZero();

    failing = false;
    assertThat(engine.completer().flush(List.of(done(task, "success", null))).accepted())
        .isEqualTo(1);
    assertThat(logged()).containsExactly(task.id() + ":success");
  }
}
