package eu.runlater.platform.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.platform.RunlaterProperties;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(Endpoint endpoint, RunlaterProperties properties) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("runlater");
    config.setJdbcUrl(endpoint.url.jdbcUrl());
    if (endpoint.url.username() != null) {
      config.setUsername(endpoint.url.username());
    }
    if (endpoint.url.password() != null) {
      config.setPassword(endpoint.url.password());
    }
    config.setMaximumPoolSize(properties.databasePoolSize());
    // Fail fast when the database is gone, so requests and /health answer instead of hanging.
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(2_000);
    config.addDataSourceProperty("ApplicationName", "runlater");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }
}
