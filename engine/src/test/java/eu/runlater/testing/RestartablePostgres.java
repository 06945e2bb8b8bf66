package eu.runlater.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL of a test's own that the test stops and starts again, on the same data directory and
 * port, as an operator restarting the database would: clients see their connections end ("the
 * database system is shutting down", then refused connects) and then the same database come back
 * with everything committed before. Not the shared server ({@link TestPostgres#server()}), which
 * other test classes in the JVM keep using. The superuser {@code postgres} logs in without a
 * password (127.0.0.1 only).
 */
public final class RestartablePostgres implements AutoCloseable {
  private final Path dir;
  private final int port;
  private EmbeddedPostgres postgres;

  private RestartablePostgres(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a new cluster in a fresh directory, on a free port. */
  public static RestartablePostgres start(String name) {
    Path dir =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "embedded-pg" + TestPostgres.forkSuffix(),
            name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    RestartablePostgres db = new RestartablePostgres(dir, freePort());
    db.startAgain();
    return db;
  }

  /** Starts the server (again) on its data directory and port. */
  public synchronized void startAgain() {
    if (postgres != null) {
      throw new IllegalStateException("already running");
    }
    try {
      Files.createDirectories(dir);
      postgres =
          EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(dir.resolve("work").toFile())
              .setDataDirectory(dir.resolve("data"))
              .setCleanDataDirectory(false)
              .setPort(port)
              .setRegisterShutdownHook(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "100")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "off")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL in " + dir, e);
    }
  }

  /** Stops the server ("fast" shutdown: sessions are ended, committed work stays). */
  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      postgres = null;
    }
  }

  public synchronized boolean running() {
    return postgres != null;
  }

  public int port() {
    return port;
  }

  public Path directory() {
    return dir;
  }

  /** The JDBC URL of {@code database}, as the superuser. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  /** Runs {@code sql} as the superuser on {@code database}. */
  public void execute(String database, String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(database));
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("could not run: " + sql, e);
    }
  }

  /** Opens a connection to {@code database} as the superuser; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database));
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
