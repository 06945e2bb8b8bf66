package eu.runlater.engine;

import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the running tasks of lost nodes ready again, for any node to take. Two ways in: the
 * leader's hand-over ({@link #handOver}) declares dead the nodes whose heartbeat stopped (see
 * {@link Heartbeat}) and moves their tasks at once, whatever their timeouts; and, as the backstop,
 * a task whose lease expired (its node hung, or was cut off before it could report, or ran an older
 * version without heartbeats) is rescued by {@link #runOnce}. Each lost attempt is recorded as a
 * {@code lost} execution saying which node lost it and why, so the history shows why a task ran
 * twice. A task that loses its lease more than {@code maxRescues} times (a request that crashes
 * nodes, say) is abandoned with a final {@code lost} execution instead of circling forever.
 *
 * <p>Leader-only, and safe to run on several nodes at once anyway: rows are taken with {@code SKIP
 * LOCKED}, and the attempt that lost its task is fenced out by its token.
 */
final class Rescuer {
  static final int BATCH = 1_000;

  private final Db db;
  private final InstantSource clock;
  private final String nodeId;
  private final int maxRescues;
  private final Partitions partitions;
  private final OutcomeHook outcomes;
  private final Tasks tasks;

  Rescuer(
      Db db,
      InstantSource clock,
      String nodeId,
      int maxRescues,
      Partitions partitions,
      OutcomeHook outcomes,
      Tasks tasks) {
    this.db = db;
    this.clock = clock;
    this.nodeId = nodeId;
    this.maxRescues = maxRescues;
    this.partitions = partitions;
    this.outcomes = outcomes;
    this.tasks = tasks;
  }

  /** What one pass did. */
  record Result(int rescued, int abandoned) {
    /** A pass that had nothing to do. */
    static final Result NONE = new Result(0, 0);
  }

  Result runOnce() throws SQLException {
    Instant now = clock.instant();
    return pass(
        now,
        (c, params) -> {
          List<Completion> abandoned =
              Db.query(
                  c,
                  TASK_ABANDON_EXPIRED,
                  params,
                  rs -> lostAttempt(Tasks.mapClaimed(rs), rs.getString("claimed_by"), now, true));
          List<Completion> rescued =
              Db.query(
                  c,
                  TASK_RESCUE_EXPIRED,
                  params,
                  rs -> lostAttempt(readyAgain(rs), rs.getString("lost_by"), now, false));
          return new Found<>(abandoned, rescued, new Result(rescued.size(), abandoned.size()));
        });
  }

  /** What one hand-over pass did: the nodes it declared dead, the tasks it moved. */
  record HandOver(List<String> declared, int handedOn, int abandoned) {
    /** A pass that had nothing to do. */
    static final HandOver NONE = new HandOver(List.of(), 0, 0);
  }

  /**
   * Declares dead the alive nodes whose heartbeat is older than {@code deadAfter} (by the
   * database's clock) and, in the same transaction, hands on the running tasks of every node that
   * is not alive: ready again at once with a {@code lost} execution naming the node, fenced by the
   * lease token (the node's late completion matches no row), abandoned after {@code maxRescues}
   * lost attempts as for an expired lease.
   */
  HandOver handOver(Duration deadAfter) throws SQLException {
    Instant now = clock.instant();
    return pass(
        now,
        (c, params) -> {
          List<String> declared =
              Db.query(
                  c,
                  NodeQueries.NODE_DECLARE_DEAD,
                  Params.of("node", nodeId).put("dead_after_ms", deadAfter.toMillis()),
                  rs -> rs.getString("node_id"));
          List<Completion> abandoned =
              Db.query(
                  c,
                  NodeQueries.TASK_ABANDON_OF_GONE_NODES,
                  params,
                  rs ->
                      goneAttempt(
                          Tasks.mapClaimed(rs),
                          rs.getString("claimed_by"),
                          rs.getString("node_state"),
                          SqlTime.instant(rs, "node_heartbeat_at"),
                          deadAfter,
                          now,
                          true));
          List<Completion> handed =
              Db.query(
                  c,
                  NodeQueries.TASK_HAND_ON_OF_GONE_NODES,
                  params,
                  rs ->
                      goneAttempt(
                          readyAgain(rs),
                          rs.getString("lost_by"),
                          rs.getString("node_state"),
                          SqlTime.instant(rs, "node_heartbeat_at"),
                          deadAfter,
                          now,
                          false));
          return new Found<>(
              abandoned, handed, new HandOver(declared, handed.size(), abandoned.size()));
        });
  }

  /**
   * What a pass's statements found lost, in its transaction: attempts abandoned for good, and tasks
   * made ready again; and what the pass reports.
   */
  private record Found<R>(List<Completion> abandoned, List<Completion> readyAgain, R result) {}

  /** A pass's statements: find (and move) what was lost, in the pass's transaction. */
  @FunctionalInterface
  private interface Finder<R> {
    Found<R> find(Connection c, Params params) throws SQLException;
  }

  /**
   * Runs one pass in one transaction: {@code finder}'s statements, then the record of what they
   * found: a {@code lost} execution per attempt, the outcome hooks of the abandoned ones (a job's
   * next run), a wake-up for the tasks ready again; and once committed, the due times the hooks
   * inserted. A pass whose executions fall into a day without its partition creates it and runs
   * again.
   */
  private <R> R pass(Instant now, Finder<R> finder) throws SQLException {
    try {
      return passOnce(now, finder);
    } catch (SQLException e) {
      if (!Partitions.isMissingPartition(e)) {
        throw e;
      }
      partitions.ensure(now);
      return passOnce(now, finder);
    }
  }

  private <R> R passOnce(Instant now, Finder<R> finder) throws SQLException {
    Instant[] inserted = new Instant[1];
    R result =
        db.inTransaction(
            c -> {
              Found<R> found =
                  finder.find(
                      c, Params.of("now", now).put("limit", BATCH).put("max_rescues", maxRescues));
              List<Completion> lost = new ArrayList<>(found.abandoned());
              lost.addAll(found.readyAgain());
              ExecutionRows.insert(c, lost);
              if (!found.abandoned().isEmpty()) {
                var hooked = new OutcomeHook.Finished(c, found.abandoned(), now, tasks);
                outcomes.onFinished(hooked);
                inserted[0] = hooked.earliestInserted();
                tasks.notifyIfSooner(c, inserted[0]);
              }
              if (!found.readyAgain().isEmpty()) {
                notifyDue(c, now);
              }
              return found.result();
            });
    tasks.committed(inserted[0]);
    return result;
  }

  /** A row that is the ready task again, as the attempt that lost it was claimed. */
  private static ClaimedTask readyAgain(ResultSet rs) throws SQLException {
    return Tasks.mapClaimed(rs)
        .withRunAt(SqlTime.instant(rs, "lost_due_at"))
        .withHeld(Tasks.held(rs, "lost_"));
  }

  private Completion goneAttempt(
      ClaimedTask task,
      String lostBy,
      String nodeState,
      Instant heartbeatAt,
      Duration deadAfter,
      Instant now,
      boolean last) {
    String why =
        "dead".equals(nodeState)
            ? "node "
                + lostBy
                + " was declared dead: no heartbeat since "
                + heartbeatAt
                + " (dead after "
                + seconds(deadAfter)
                + ")"
            : "node " + lostBy + " stopped without reporting";
    return lost(
        task,
        why
            + "; attempt "
            + task.attempt()
            + (last
                ? " lost, abandoned after " + (task.rescues() + 1) + " lost attempts"
                : " handed on by " + nodeId),
        now,
        last);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }

  private Completion lostAttempt(ClaimedTask task, String lostBy, Instant now, boolean last) {
    String error =
        "lease expired: node "
            + (lostBy == null ? "(unknown)" : lostBy)
            + " did not report attempt "
            + task.attempt()
            + " in time (it stopped, hung or lost the database)"
            + (last
                ? "; abandoned after " + (task.rescues() + 1) + " lost attempts"
                : "; rescued by " + nodeId);
    return lost(task, error, now, last);
  }

  private Completion lost(ClaimedTask task, String error, Instant now, boolean last) {
    var id = Ids.v7(now);
    ExecutionRecord record =
        new ExecutionRecord(
            id,
            Ids.instantOf(id),
            ExecutionRecord.LOST,
            last,
            null,
            now,
            null,
            null,
            error,
            last ? null : now,
            List.of(),
            null,
            nodeId);
    return new Completion(task, record, last ? null : now);
  }

  private static void notifyDue(Connection c, Instant now) throws SQLException {
    Db.query(c, WAKE_NOTIFY, Params.of("payload", Long.toString(now.toEpochMilli())), rs -> null);
  }
}
