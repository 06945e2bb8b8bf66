package eu.runlater.engine;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The node's own database session outside the pool, shared by the leader lock and the heartbeat:
 * the lock lives exactly as long as this session, and the heartbeat written on it records the
 * session's backend pid, so another node can end a silent leader's session (see {@link Leader}).
 *
 * <p>Opened on first use; a statement that fails closes it (and with it any advisory lock it held),
 * and the next use opens a new one. One statement at a time.
 */
final class Session {
  private final ConnectionFactory connections;
  private Connection connection;

  Session(ConnectionFactory connections) {
    this.connections = connections;
  }

  /** Work done on the session. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on the session, opening it if needed; a failure closes it. */
  synchronized <T> T run(Work<T> work) throws SQLException {
    try {
      if (connection == null || connection.isClosed()) {
        connection = SessionSettings.watched(connections.open());
      }
      return work.run(connection);
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Whether a session is open now (it may still turn out broken on its next use). */
  synchronized boolean isOpen() {
    return connection != null;
  }

  /** Closes the session; advisory locks it held are released by the database. */
  synchronized void close() {
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
