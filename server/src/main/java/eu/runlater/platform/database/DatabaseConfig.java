package eu.runlater.platform.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.platform.RunlaterProperties;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The database this node uses: {@code DATABASE_URL} when set, otherwise the embedded PostgreSQL
 * under the data directory. Spring closes the pool before the embedded server, because the pool
 * depends on it.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {
  private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);

  /** Owns the embedded server, if one was started; empty with {@code DATABASE_URL}. */
  static final class Endpoint implements AutoCloseable {
    final DatabaseUrl url;
    final Optional<EmbeddedDatabase> embedded;

    Endpoint(DatabaseUrl url, Optional<EmbeddedDatabase> embedded) {
      this.url = url;
      this.embedded = embedded;
    }

    @Override
    public void close() throws IOException {
      if (embedded.isPresent()) {
        embedded.get().close();
      }
    }
  }

  @Bean(destroyMethod = "close")
  Endpoint databaseEndpoint(RunlaterProperties properties) {
    if (!properties.embeddedDatabase()) {
      DatabaseUrl url = DatabaseUrl.parse(properties.databaseUrl());
      log.info("Using the database at {}", DatabaseUrl.redact(url.jdbcUrl()));
      return new Endpoint(url, Optional.empty());
    }
    long started = System.nanoTime();
    EmbeddedDatabase embedded = EmbeddedDatabase.start(properties.dataDir());
    log.info(
        "Embedded PostgreSQL started in {} ms on 127.0.0.1:{} with data in {}",
        (System.nanoTime() - started) / 1_000_000,
        embedded.port(),
        properties.dataDir().resolve("postgres").toAbsolutePath().normalize());
    return new Endpoint(embedded.url(), Optional.of(embedded));
  }

  /**
   * How long a caller waits for a pooled connection before it gets an error (a 503 for a request).
   * While the database is away that is how long an API call takes to answer, and (Hikari retries
   * the connect at most this often) about how long after the database is back the pool has
   * connections again. Under load a pool this busy means the node is overloaded: a 503 with
   * Retry-After is the right answer then too.
   */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

  /**
   * Driver settings added to the JDBC URL unless it sets them itself, so that the engine's own
   * sessions (opened from the same URL, outside the pool) have them too: a TCP connect and a login
   * each give up after 5 s (the driver's default would wait 10 s, and forever for a login to a
   * server that accepted the connection but never answers), and no statement outside a request
   * waits more than {@link StatementTimeouts#BACKGROUND} on a silent database.
   */
  static final Map<String, String> URL_DEFAULTS =
      Map.of(
          "connectTimeout", "5",
          "loginTimeout", "5",
          "socketTimeout", Long.toString(StatementTimeouts.BACKGROUND.toSeconds()));

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(Endpoint endpoint, RunlaterProperties properties) {
    return new Pool(poolConfig(endpoint.url, properties.databasePoolSize()));
  }

  /** The pool's settings for a database and a size. */
  static HikariConfig poolConfig(DatabaseUrl url, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("runlater");
    config.setJdbcUrl(withDefaults(url.jdbcUrl(), URL_DEFAULTS));
    if (url.username() != null) {
      config.setUsername(url.username());
    }
    if (url.password() != null) {
      config.setPassword(url.password());
    }
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(Pool.STARTING_IDLE, size));
    // Fail fast when the database is gone, so requests and /health answer instead of hanging.
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    // A pooled connection idle for a moment is checked before use; a live one answers in a
    // millisecond, a dead one must not eat the caller's whole wait.
    config.setValidationTimeout(1_000);
    config.addDataSourceProperty("ApplicationName", "runlater");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return config;
  }

  /** {@code url} with each of {@code defaults} appended that it does not set itself. */
  static String withDefaults(String url, Map<String, String> defaults) {
    int query = url.indexOf('?');
    Set<String> present = new HashSet<>();
    if (query >= 0) {
      for (String pair : url.substring(query + 1).split("&")) {
        int eq = pair.indexOf('=');
        // The driver's names are case-sensitive.
        present.add(eq < 0 ? pair : pair.substring(0, eq));
      }
    }
    StringBuilder out = new StringBuilder(url);
    char separator = query < 0 ? '?' : '&';
    for (String key : new TreeSet<>(defaults.keySet())) {
      if (!present.contains(key)) {
        out.append(separator).append(key).append('=').append(defaults.get(key));
        separator = '&';
      }
    }
    return out.toString();
  }

  /**
   * The pool. A connection taken while serving a request gets the request's network timeout ({@link
   * StatementTimeouts#REQUEST}); the pool puts its default back when the connection returns.
   *
   * <p>It starts with {@value #STARTING_IDLE} connections and grows to its full size once the node
   * is ready: each connection is a PostgreSQL process forked and a SCRAM login computed on both
   * sides, and the eighteen more made beside Spring's start took about 0.37 s of the JVM's CPU and
   * 0.33 s from a restart on two cores (interleaved restarts). Until ready the pool still grows on
   * demand; after it Hikari's housekeeping (every 30 s) fills it, demand meanwhile.
   */
  static final class Pool extends HikariDataSource
      implements ApplicationListener<ApplicationReadyEvent> {
    /** Connections kept open while the node starts. */
    static final int STARTING_IDLE = 2;

    Pool(HikariConfig config) {
      super(config);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
      getHikariConfigMXBean().setMinimumIdle(getMaximumPoolSize());
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = super.getConnection();
      int timeoutMs = StatementTimeouts.forThisThread();
      if (timeoutMs > 0) {
        try {
          c.setNetworkTimeout(Runnable::run, timeoutMs);
        } catch (SQLException | RuntimeException e) {
          c.close();
          throw e;
        }
      }
      return c;
    }
  }
}
