package eu.runlater.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Settings for the engine's long-lived sessions (leader lock, listener), so that a dead peer on
 * either side is noticed in seconds: PostgreSQL probes the client with TCP keepalives and ends the
 * session (and its advisory locks) when the client stops answering; the client gives up on a
 * statement whose answer does not come within the network timeout.
 */
final class SessionSettings {
  static final int KEEPALIVE_IDLE_S = 10;
  static final int KEEPALIVE_INTERVAL_S = 5;
  static final int KEEPALIVE_COUNT = 3;
  static final int NETWORK_TIMEOUT_MS = 15_000;

  private SessionSettings() {}

  static Connection watched(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("SET tcp_keepalives_idle = " + KEEPALIVE_IDLE_S);
      s.execute("SET tcp_keepalives_interval = " + KEEPALIVE_INTERVAL_S);
      s.execute("SET tcp_keepalives_count = " + KEEPALIVE_COUNT);
      s.execute("SET application_name = 'runlater-engine'");
    }
    c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS);
    return c;
  }
}
