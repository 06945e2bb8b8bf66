package eu.runlater.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Lets a source act in the same transaction that claims its tasks — cron jobs materialize their
 * next occurrence there, so occurrence N+1 exists exactly when N was taken.
 *
 * <p>The hook returns the tasks to deliver: all of them, some of them (for example an occurrence
 * skipped because the previous run is still going), or with a different {@code scheduledFor}. A
 * task it leaves out must be removed by the hook itself (with {@link Tasks#deleteClaimed});
 * otherwise it stays claimed until its lease expires.
 */
@FunctionalInterface
public interface ClaimHook {
  ClaimHook NONE = claim -> claim.tasks();

  List<ClaimedTask> onClaimed(Claim claim) throws SQLException;

  /**
   * Several sources' hooks, one after the other in the given order, each given what the previous
   * one let through.
   */
  static ClaimHook chain(List<ClaimHook> hooks) {
    if (hooks.isEmpty()) {
      return NONE;
    }
    if (hooks.size() == 1) {
      return hooks.getFirst();
    }
    List<ClaimHook> chained = List.copyOf(hooks);
    return claim -> {
      List<ClaimedTask> tasks = claim.tasks();
      for (ClaimHook h : chained) {
        if (tasks.isEmpty()) {
          break;
        }
        tasks =
            h.onClaimed(
                new Claim(claim.connection(), tasks, claim.now(), claim.engine(), claim.node()));
      }
      return tasks;
    };
  }

  /**
   * One claim, in its transaction.
   *
   * @param tasks what the claim statement took
   * @param engine this engine's task operations, to use on {@code connection}
   * @param node this node's id, for the history
   */
  record Claim(
      Connection connection, List<ClaimedTask> tasks, Instant now, Tasks engine, String node) {}
}
