package eu.runlater.engine;

import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.FailureStreak;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election by a PostgreSQL session advisory lock held on a dedicated connection. The lock
 * lives exactly as long as that session: a node that dies, or loses its connection, loses the lock
 * at once, and another node's next {@link #runOnce()} takes it.
 *
 * <p>Leadership is re-checked on every pass (the lock must still show as granted to this session);
 * a failed check closes the connection and reports "not leader" until a new connection wins the
 * lock again. Singleton work asks {@link #isLeader()} before each pass.
 */
final class Leader {
  /** The advisory lock key: "runlater" in ASCII, so it is recognisable in pg_locks. */
  static final long LOCK_KEY = 0x72756e6c61746572L;

  private static final Logger log = LoggerFactory.getLogger(Leader.class);

  private final ConnectionFactory connections;
  private final String nodeId;
  private Connection connection;
  private volatile boolean leader;
  private final FailureStreak failures;

  Leader(ConnectionFactory connections, String nodeId) {
    this.connections = connections;
    this.nodeId = nodeId;
    this.failures = new FailureStreak(log, "The leader check on node " + nodeId);
  }

  boolean isLeader() {
    return leader;
  }

  /** Takes or confirms leadership; returns whether this node leads after the pass. */
  synchronized boolean runOnce() {
    boolean was = leader;
    try {
      if (connection == null || connection.isClosed()) {
        connection = SessionSettings.watched(connections.open());
      }
      boolean holds = query(LEADER_HOLDS);
      leader = holds || query(LEADER_TRY_ACQUIRE);
      failures.succeeded();
    } catch (SQLException e) {
      // Not leading until it succeeds; one warning per outage (FailureStreak).
      failures.failed(e);
      closeQuietly();
      leader = false;
    }
    if (leader != was) {
      log.info("Node {} {} the leader", nodeId, leader ? "is now" : "is no longer");
    }
    return leader;
  }

  /** Gives up leadership (unlocks and closes the session). */
  synchronized void release() {
    if (connection != null) {
      try {
        if (leader) {
          query(LEADER_RELEASE);
        }
      } catch (SQLException e) {
        log.debug("Unlock failed; closing the session releases the lock anyway", e);
      }
      closeQuietly();
    }
    leader = false;
  }

  private boolean query(String sql) throws SQLException {
    List<Boolean> rows =
        Db.query(connection, sql, Params.of("key", LOCK_KEY), rs -> rs.getBoolean(1));
    return !rows.isEmpty() && rows.getFirst();
  }

  private void closeQuietly() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // already broken
    }
    connection = null;
  }
}
