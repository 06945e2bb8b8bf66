package eu.runlater.engine;

import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A node's own sessions (heartbeat, leader lock, wake-ups) that a test cuts off from the database
 * while the node's pool stays: only self-fencing then keeps the node from claiming or sending.
 */
final class CuttableSessions implements ConnectionFactory {
  private final EngineFixture fixture;
  private final String url;
  private final AtomicBoolean cut = new AtomicBoolean();

  CuttableSessions(EngineFixture fixture) {
    this.fixture = fixture;
    this.url = TestPostgres.jdbcUrl(fixture.database);
  }

  /**
   * A node whose heartbeat goes stale soon after it is cut: a beat every 100 ms, dead after 1 s.
   */
  static EngineConfig.Builder staleSoon(EngineFixture fixture) {
    return fixture
        .config()
        .heartbeatInterval(Duration.ofMillis(100))
        .deadAfter(Duration.ofSeconds(1));
  }

  @Override
  public Connection open() throws SQLException {
    if (cut.get()) {
      throw new SQLException("cut off (test)", "08001");
    }
    return DriverManager.getConnection(url, "postgres", null);
  }

  /** Refuses new sessions, ends the open ones, and returns once {@code engine} is stale. */
  void cutOff(Engine engine, Duration wait) throws SQLException {
    cut.set(true);
    try (Connection admin = fixture.connection()) {
      admin
          .createStatement()
          .execute(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                  + " WHERE application_name = 'runlater-engine' AND datname = current_database()");
    }
    Sink.await(wait, "the node to fence itself", () -> !engine.heartbeat().fresh());
  }

  /** Accepts sessions again. */
  void reconnect() {
    cut.set(false);
  }
}
