package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands claimed tasks back to ready, their attempt not counted, fenced by their lease tokens: a
 * task whose lease another node holds by now (handed on, rescued) is left alone.
 */
final class HandBack {
  private static final Logger log = LoggerFactory.getLogger(HandBack.class);

  private HandBack() {}

  /**
   * Hands tasks {@code node} claimed while its heartbeat went stale back unstarted, fenced by their
   * tokens (the leader may be handing them on already); if the database cannot be reached, the
   * leader will. Counted as fenced.
   */
  static void staleHeartbeat(Db db, EngineMetrics metrics, String node, List<ClaimedTask> claimed) {
    metrics.fenced(claimed.size());
    try {
      int released = toReady(db, claimed);
      log.warn(
          "Node {} claimed {} tasks as its heartbeat went stale; handed {} back unstarted",
          node,
          claimed.size(),
          released);
    } catch (SQLException e) {
      log.warn(
          "Node {} could not hand back {} tasks it claimed as its heartbeat went stale; they are"
              + " handed on once it is declared dead, or when their leases expire",
          node,
          claimed.size(),
          e);
    }
  }

  /** Returns how many of {@code tasks} went back (those whose lease this node still held). */
  static int toReady(Db db, List<ClaimedTask> tasks) throws SQLException {
    if (tasks.isEmpty()) {
      return 0;
    }
    Params params =
        Params.of("ids", SqlArray.of("uuid", tasks.stream().map(ClaimedTask::id).toList()))
            .put(
                "tokens",
                SqlArray.of("bigint", tasks.stream().map(ClaimedTask::leaseToken).toList()));
    return db.withConnection(
        c -> Db.query(c, TaskQueries.TASK_RELEASE, params, rs -> rs.getObject(1)).size());
  }
}
