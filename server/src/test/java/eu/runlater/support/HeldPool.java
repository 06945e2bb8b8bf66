package eu.runlater.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Every connection of the server's pool, held by a test as a burst of requests would hold them:
 * whoever asks the pool for one meanwhile waits its connection timeout in vain. Closing gives them
 * back.
 */
public final class HeldPool implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final List<Connection> held;

  private HeldPool(List<Connection> held) {
    this.held = held;
  }

  /** Takes every connection; background loops give theirs back within a pass. */
  public static HeldPool hold(DataSource dataSource) {
    HikariDataSource pool = (HikariDataSource) dataSource;
    List<Connection> held = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (held.size() < pool.getMaximumPoolSize()) {
      assertThat(System.nanoTime()).as("took every connection in time").isLessThan(deadline);
      try {
        held.add(pool.getConnection());
      } catch (SQLException busy) {
        // others held the last ones for the whole wait: take them on the next try
      }
    }
    return new HeldPool(held);
  }

  @Override
  public void close() throws SQLException {
    for (Connection c : held) {
      c.close();
    }
  }
}
