package eu.runlater.platform.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL 18 a single node runs on when no {@code DATABASE_URL} is set. Its cluster
 * lives in {@code <data dir>/postgres} and survives restarts; it listens on 127.0.0.1 only.
 *
 * <p>Durability: the embedded library starts PostgreSQL with {@code synchronous_commit=off}, which
 * would acknowledge commits that a crash can still lose. Runlater promises "durable before
 * acknowledged", so both {@code synchronous_commit} and {@code fsync} are forced on.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  static final String DATABASE = "runlater";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts (creating on first use) the cluster under {@code dataDir}. */
  public static EmbeddedDatabase start(Path dataDir) {
    Path cluster = dataDir.resolve("postgres");
    Path runtime = dataDir.resolve("postgres-runtime");
    try {
      Files.createDirectories(runtime);
      stopOrphan(cluster);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(cluster)
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(runtime.toFile())
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("fsync", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("max_connections", "200")
              .start();
      EmbeddedDatabase database = new EmbeddedDatabase(postgres);
      database.createDatabaseIfMissing();
      return database;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL in " + cluster, e);
    }
  }

  /**
   * A JVM killed with SIGKILL leaves its PostgreSQL child running and holding the cluster. Ask it
   * to shut down (SIGTERM, a "smart" shutdown: its clients are already gone) before starting a new
   * one on the same files.
   */
  private static void stopOrphan(Path cluster) throws IOException {
    Path pidFile = cluster.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
    } catch (RuntimeException unreadable) {
      return;
    }
    Optional<ProcessHandle> orphan =
        ProcessHandle.of(pid)
            .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    log.warn("Stopping PostgreSQL (pid {}) left running by a previous process", pid);
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(
          "PostgreSQL (pid " + pid + ") still holds " + cluster + "; stop it and start again", e);
    }
  }

  private void createDatabaseIfMissing() {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the runlater database", e);
    }
  }

  public DatabaseUrl url() {
    return new DatabaseUrl(postgres.getJdbcUrl("postgres", DATABASE), "postgres", null);
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
