package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's hand-over, driven one pass at a time: which nodes it declares dead (by the
 * database's clock), and what becomes of their running tasks.
 */
class HandOverTest {
  static final Duration DEAD_AFTER = Duration.ofSeconds(10);

  final EngineFixture fixture = new EngineFixture();
  final Engine leader = fixture.engine(fixture.config().maxRescues(1).build());

  @AfterEach
  void close() {
    leader.leader().release();
    fixture.close();
  }

  /** The fixture's settings under a chosen node id. */
  static EngineConfig named(String nodeId) {
    return EngineConfig.builder(nodeId)
        .workers(20)
        .leaseMargin(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .maintenanceInterval(Duration.ofMillis(200))
        .shutdownGrace(Duration.ofSeconds(5))
        .userAgent("Runlater/test")
        .build();
  }

  /** A node row whose last heartbeat was {@code silentSeconds} ago on the database's clock. */
  private void node(String id, String state, int silentSeconds) throws Exception {
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                """
                INSERT INTO engine_nodes (node_id, started_at, heartbeat_at, version, host, pid,
                                          state)
                VALUES (:id, now() - interval '1 hour',
                        now() - :silent * interval '1 second', 'test', 'here', 1, :state)
                """,
                Db.Params.of("id", id).put("silent", silentSeconds).put("state", state)));
  }

  private String state(String id) throws Exception {
    return fixture.db.withConnection(
        c ->
            Db.query(
                    c,
                    "SELECT state FROM engine_nodes WHERE node_id = :id",
                    Db.Params.of("id", id),
                    rs -> rs.getString(1))
                .getFirst());
  }

  /** A task claimed by an engine named {@code nodeId} (built, never started). */
  private ClaimedTask claimedBy(String nodeId) throws Exception {
    Engine node = fixture.engine(named(nodeId));
    fixture.insert(node, List.of(fixture.task("http://127.0.0.1:9/")));
    return node.producer().claim(1).getFirst();
  }

  private Completion succeeded(ClaimedTask task) {
    var id = Ids.v7(Instant.now());
    return new Completion(
        task,
        new ExecutionRecord(
            id,
            Ids.instantOf(id),
            ExecutionRecord.SUCCESS,
            true,
            Instant.now(),
            Instant.now(),
            1_000L,
            200,
            null,
            null,
            List.of(),
            null,
            "late-node"),
        null);
  }

  @Test
  void only_alive_nodes_silent_past_dead_after_are_declared_dead() throws Exception {
    node("fresh", "alive", 0);
    node("nearly", "alive", 8);
    node("silent", "alive", 11);
    node("stopped-long-ago", "stopped", 86_400);
    node("dead-before", "dead", 3_600);

    var pass = leader.rescuer().handOver(DEAD_AFTER);

    assertThat(pass.declared()).containsExactly("silent");
    assertThat(state("fresh")).isEqualTo("alive");
    assertThat(state("nearly")).isEqualTo("alive");
    assertThat(state("silent")).isEqualTo("dead");
    assertThat(state("stopped-long-ago"))
        .as("a stopped node is never declared dead")
        .isEqualTo("stopped");
    assertThat(
            fixture.count(
                "SELECT count(*) FROM engine_nodes WHERE node_id = 'silent' AND dead_at IS NOT NULL"))
        .isEqualTo(1);
    assertThat(leader.rescuer().handOver(DEAD_AFTER).declared()).as("declared once").isEmpty();
  }

  @Test
  void the_leader_never_declares_itself_dead() throws Exception {
    node(leader.config().nodeId(), "alive", 60);
    assertThat(leader.rescuer().handOver(DEAD_AFTER).declared()).isEmpty();
    assertThat(state(leader.config().nodeId())).isEqualTo("alive");
  }

  @Test
  void a_dead_node_s_running_tasks_are_handed_on_at_once_and_its_late_completion_is_refused()
      throws Exception {
    node("victim", "alive", 0);
    node("bystander", "alive", 0);
    ClaimedTask lost = claimedBy("victim");
    ClaimedTask kept = claimedBy("bystander");
    // The lease (5 s timeout + 5 s margin) is far from expiry: the silence alone decides.
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                "UPDATE engine_nodes SET heartbeat_at = now() - interval '11 seconds'"
                    + " WHERE node_id = 'victim'",
                Db.Params.of()));

    var pass = leader.rescuer().handOver(DEAD_AFTER);

    assertThat(pass.declared()).containsExactly("victim");
    assertThat(pass.handedOn()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'ready'")).isEqualTo(1);
    assertThat(
            fixture.count(
                "SELECT count(*) FROM tasks WHERE state = 'running' AND claimed_by = 'bystander'"))
        .as("an alive node's task stays with it")
        .isEqualTo(1);
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE status = 'lost' AND NOT final"
                    + " AND attempt = 1 AND node = '"
                    + leader.config().nodeId()
                    + "' AND error LIKE 'node victim was declared dead: no heartbeat since %"
                    + " (dead after 10 s); attempt 1 handed on by "
                    + leader.config().nodeId()
                    + "'"))
        .isEqualTo(1);

    // The victim's late word matches no row: its token is gone.
    var late = leader.completer().flush(List.of(succeeded(lost)));
    assertThat(late.accepted()).isZero();
    assertThat(late.rejected()).isEqualTo(1);

    // Another node takes it, told the earlier attempt was lost with its node.
    ClaimedTask next = leader.producer().claim(10).getFirst();
    assertThat(next.id()).isEqualTo(lost.id());
    assertThat(next.attempt()).isEqualTo(2);
    assertThat(next.held().by()).isEqualTo(ClaimedTask.Held.NODE_LOST);
    assertThat(next.held().note()).isEqualTo("victim");
    assertThat(kept.leaseToken()).isPositive();
  }

  @Test
  void a_task_that_keeps_losing_its_node_is_abandoned_with_a_final_lost_execution()
      throws Exception {
    node("first", "alive", 0);
    node("second", "alive", 0);
    claimedBy("first");
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                "UPDATE engine_nodes SET state = 'dead' WHERE node_id = 'first'",
                Db.Params.of()));
    assertThat(leader.rescuer().handOver(DEAD_AFTER).handedOn()).isEqualTo(1);
    Engine second = fixture.engine(named("second"));
    assertThat(second.producer().claim(1)).hasSize(1);
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                "UPDATE engine_nodes SET state = 'dead' WHERE node_id = 'second'",
                Db.Params.of()));

    var pass = leader.rescuer().handOver(DEAD_AFTER);

    assertThat(pass.abandoned()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE status = 'lost' AND final AND attempt = 2"
                    + " AND error LIKE '%abandoned after 2 lost attempts'"))
        .isEqualTo(1);
  }

  @Test
  void a_stopped_node_s_leftover_tasks_are_handed_on_too() throws Exception {
    node("quitter", "alive", 0);
    claimedBy("quitter");
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                "UPDATE engine_nodes SET state = 'stopped' WHERE node_id = 'quitter'",
                Db.Params.of()));
    var pass = leader.rescuer().handOver(DEAD_AFTER);
    assertThat(pass.declared()).isEmpty();
    assertThat(pass.handedOn()).isEqualTo(1);
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE status = 'lost'"
                    + " AND error LIKE 'node quitter stopped without reporting; attempt 1 handed on%'"))
        .isEqualTo(1);
  }

  @Test
  void tasks_of_a_node_without_a_row_wait_for_their_lease() throws Exception {
    claimedBy("older-version");
    assertThat(leader.rescuer().handOver(DEAD_AFTER).handedOn()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'")).isEqualTo(1);
  }

  @Test
  void rows_of_nodes_gone_for_a_week_are_pruned() throws Exception {
    node("alive-one", "alive", 0);
    node("stopped-recently", "stopped", 3_600);
    node("stopped-long-ago", "stopped", 8 * 86_400);
    node("dead-long-ago", "dead", 8 * 86_400);
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                "UPDATE engine_nodes SET dead_at = heartbeat_at WHERE state = 'dead'",
                Db.Params.of()));
    leader.maintainOnce();
    List<String> kept =
        fixture.db.withConnection(
            c ->
                Db.query(
                    c,
                    "SELECT node_id FROM engine_nodes ORDER BY node_id",
                    Db.Params.of(),
                    rs -> rs.getString(1)));
    assertThat(kept).containsExactly("alive-one", "stopped-recently");
  }
}
