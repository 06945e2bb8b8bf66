package eu.runlater.engine;

import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes tasks whose lease expired ready again: their node died, hung, or was cut off from the
 * database before it could report. Each lost attempt is recorded as a {@code lost} execution, so
 * the history shows why a task ran twice. A task that loses its lease more than {@code maxRescues}
 * times (a request that crashes nodes, say) is abandoned with a final {@code lost} execution
 * instead of circling forever.
 *
 * <p>Leader-only, and safe to run on several nodes at once anyway: rows are taken with {@code SKIP
 * LOCKED}, and the attempt that lost its lease is fenced out by its token.
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
  record Result(int rescued, int abandoned) {}

  Result runOnce() throws SQLException {
    Instant now = clock.instant();
    try {
      return pass(now);
    } catch (SQLException e) {
      if (!Partitions.isMissingPartition(e)) {
        throw e;
      }
      partitions.ensure(now);
      return pass(now);
    }
  }

  private Result pass(Instant now) throws SQLException {
    Instant[] inserted = new Instant[1];
    Result result =
        db.inTransaction(
            c -> {
              Params params =
                  Params.of("now", now).put("limit", BATCH).put("max_rescues", maxRescues);
              List<Completion> abandoned =
                  Db.query(
                      c,
                      TASK_ABANDON_EXPIRED,
                      params,
                      rs ->
                          lostAttempt(Tasks.mapClaimed(rs), rs.getString("claimed_by"), now, true));
              List<Completion> rescued =
                  Db.query(
                      c,
                      TASK_RESCUE_EXPIRED,
                      params,
                      rs -> {
                        // The row is the ready task again; report the attempt as it was claimed.
                        ClaimedTask task =
                            Tasks.mapClaimed(rs)
                                .withRunAt(SqlTime.instant(rs, "lost_due_at"))
                                .withHeld(Tasks.held(rs, "lost_"));
                        return lostAttempt(task, rs.getString("lost_by"), now, false);
                      });
              List<Completion> lost = new ArrayList<>(abandoned);
              lost.addAll(rescued);
              ExecutionRows.insert(c, lost);
              if (!abandoned.isEmpty()) {
                var hooked = new OutcomeHook.Finished(c, abandoned, now, tasks);
                outcomes.onFinished(hooked);
                inserted[0] = hooked.earliestInserted();
              }
              if (!rescued.isEmpty()) {
                notifyDue(c, now);
              }
              return new Result(rescued.size(), abandoned.size());
            });
    tasks.committed(inserted[0]);
    return result;
  }

  private Completion lostAttempt(ClaimedTask task, String lostBy, Instant now, boolean last) {
    var id = Ids.v7(now);
    String error =
        "lease expired: node "
            + (lostBy == null ? "(unknown)" : lostBy)
            + " did not report attempt "
            + task.attempt()
            + " in time (it stopped, hung or lost the database)"
            + (last
                ? "; abandoned after " + (task.rescues() + 1) + " lost attempts"
                : "; rescued by " + nodeId);
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
