package eu.runlater.platform.database;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.springframework.stereotype.Component;

/**
 * Sessions kept outside the pool, for as long as a node runs: the engine's leader lock and wake-up
 * listener, the {@link ChangeFeed}'s listener. Same database and login as the pool.
 */
@Component
public class DedicatedConnections {
  private final String url;
  private final String username;
  private final String password;

  DedicatedConnections(HikariDataSource pool) {
    this.url = pool.getJdbcUrl();
    this.username = pool.getUsername();
    this.password = pool.getPassword();
  }

  /** A new session; {@code applicationName} names it in {@code pg_stat_activity}. */
  public Connection open(String applicationName) throws SQLException {
    Properties props = new Properties();
    if (username != null) {
      props.setProperty("user", username);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", applicationName);
    // Notice a dead database (or a partition) within about a minute on an idle session.
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(url, props);
  }
}
