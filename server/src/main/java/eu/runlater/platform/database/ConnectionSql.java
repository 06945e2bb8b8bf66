package eu.runlater.platform.database;

import java.sql.Connection;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * {@link JdbcClient} over a connection someone else owns: the engine's claim and outcome hooks run
 * inside the engine's transaction on a plain JDBC connection, and write with the same JdbcClient
 * style as every other server class. Closing is suppressed: the engine commits and closes.
 */
public final class ConnectionSql {
  private ConnectionSql() {}

  public static JdbcClient on(Connection connection) {
    return JdbcClient.create(new SingleConnectionDataSource(connection, true));
  }
}
