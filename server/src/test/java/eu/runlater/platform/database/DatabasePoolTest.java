package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.TestPostgres;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;

/** The pool keeps two connections while the node starts and fills to its size once it is ready. */
class DatabasePoolTest {
  private static final String HOUSEKEEPING = "com.zaxxer.hikari.housekeeping.periodMs";

  @Test
  void the_pool_starts_small_and_fills_once_the_node_is_ready() {
    String database = TestPostgres.freshDatabase();
    var url = new DatabaseUrl(TestPostgres.jdbcUrl(database), "postgres", null);
    // Hikari reads its housekeeping period when a pool is made: fill within a moment here.
    String before = System.getProperty(HOUSEKEEPING);
    System.setProperty(HOUSEKEEPING, "100");
    try (var pool = new DatabaseConfig.Pool(DatabaseConfig.poolConfig(url, 6))) {
      var stats = pool.getHikariPoolMXBean();
      assertThat(pool.getMinimumIdle()).isEqualTo(DatabaseConfig.Pool.STARTING_IDLE);
      await(() -> stats.getIdleConnections() == DatabaseConfig.Pool.STARTING_IDLE);
      assertThat(stats.getTotalConnections()).isEqualTo(DatabaseConfig.Pool.STARTING_IDLE);

      pool.onApplicationEvent(
          new ApplicationReadyEvent(new SpringApplication(), new String[0], null, Duration.ZERO));

      assertThat(pool.getMinimumIdle()).isEqualTo(6);
      await(() -> stats.getTotalConnections() == 6);
    } finally {
      if (before == null) {
        System.clearProperty(HOUSEKEEPING);
      } else {
        System.setProperty(HOUSEKEEPING, before);
      }
    }
  }

  @Test
  void a_pool_smaller_than_the_starting_size_keeps_its_size() {
    var url = new DatabaseUrl("jdbc:postgresql://127.0.0.1:1/none", null, null);
    assertThat(DatabaseConfig.poolConfig(url, 1).getMinimumIdle()).isEqualTo(1);
    assertThat(DatabaseConfig.poolConfig(url, 20).getMinimumIdle())
        .isEqualTo(DatabaseConfig.Pool.STARTING_IDLE);
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
