package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.SQLException;
import java.util.List;

/**
 * Hands claimed tasks back to ready, their attempt not counted, fenced by their lease tokens: a
 * task whose lease another node holds by now (handed on, rescued) is left alone.
 */
final class HandBack {
  private HandBack() {}

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
