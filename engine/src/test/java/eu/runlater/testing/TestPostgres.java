package eu.runlater.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.engine.EngineSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * One embedded PostgreSQL 18 per test JVM, shared by every test class of every module.
 *
 * <p>Each test class gets clean state in one of two ways: {@link #freshDatabase()} clones a new
 * database from a migrated template (cheap: a file copy inside PostgreSQL), or {@link
 * #truncateAll(DataSource)} empties every table of a database a cached Spring context keeps. The
 * template holds the engine's migrations, or the whole chain of the module under test when it
 * provides a {@link TestSchema}, so a module tests exactly the schema it ships.
 */
public final class TestPostgres {
  private static final String TEMPLATE = "runlater_template";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private static boolean templateReady;

  private TestPostgres() {}

  /** The shared server, started on first use and stopped when the JVM exits. */
  public static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      postgres = start(workDir("shared"));
      Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::closeQuietly));
    }
    return postgres;
  }

  /**
   * Starts a separate server, for tests that stop it (health with the database down) or need a
   * database that no other test touches. The caller closes it.
   */
  public static EmbeddedPostgres startPrivateServer() {
    return start(workDir("private-" + DATABASES.incrementAndGet()));
  }

  private static EmbeddedPostgres start(Path dir) {
    try {
      clearLeftovers(dir.resolve("data"));
      return EmbeddedPostgres.builder()
          .setOverrideWorkingDirectory(dir.toFile())
          .setDataDirectory(dir.resolve("data"))
          .setCleanDataDirectory(true)
          .setRegisterShutdownHook(false)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "300")
          // Tests never survive a power cut; fsync off keeps each test class fast. The
          // server's own embedded database runs with fsync and synchronous_commit on.
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "off")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL in " + dir, e);
    }
  }

  /**
   * What a test JVM killed before its clean-up left (surefire kills a fork whose shutdown hooks run
   * past 30 s, as deleting a large data directory on a loaded machine can): initdb refuses a
   * directory that is not empty, and every later run in this checkout would fail to start. The
   * killed JVM's server, if it still runs, is stopped first; this directory is this fork's alone.
   */
  private static void clearLeftovers(Path data) throws IOException {
    if (!Files.exists(data)) {
      return;
    }
    Path pidFile = data.resolve("postmaster.pid");
    if (Files.exists(pidFile)) {
      long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
      ProcessHandle.of(pid)
          .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
          .ifPresent(
              p -> {
                p.destroyForcibly();
                p.onExit().join();
              });
    }
    try (var paths = Files.walk(data)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Path workDir(String name) {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg" + forkSuffix(), name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /**
   * "-2" in the second of several test JVMs that surefire runs at once ({@code
   * -Drunlater.test.fork=${surefire.forkNumber}}), so that each has its own PostgreSQL and scratch
   * directories; empty in a lone JVM.
   */
  public static String forkSuffix() {
    String fork = System.getProperty("runlater.test.fork");
    return fork == null || fork.isBlank() || fork.equals("1") ? "" : "-" + fork;
  }

  /** A JDBC URL for a database on the shared server. */
  public static String jdbcUrl(String database) {
    return server().getJdbcUrl("postgres", database);
  }

  /** A new, migrated, empty database on the shared server; returns its name. */
  public static synchronized String freshDatabase() {
    ensureTemplate();
    String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    execute("postgres", "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    return name;
  }

  /** A new database without any migration on the shared server; its name. */
  public static synchronized String emptyDatabase(String prefix) {
    String name = prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    execute("postgres", "CREATE DATABASE " + name);
    return name;
  }

  /**
   * Runs one chain of migrations on a database of the shared server, up to {@code target} (a
   * version; null: the latest), for tests of a migration on the rows it finds.
   *
   * @param location the chain's Flyway location, like {@code classpath:db/engine}
   * @param historyTable the chain's own history table
   */
  public static void migrate(String database, String location, String historyTable, String target) {
    var flyway =
        Flyway.configure()
            .dataSource(jdbcUrl(database), "postgres", null)
            .locations(location)
            .table(historyTable)
            // Other chains may have run in this database already: a chain without its history
            // starts from its V1 (as platform.database.Migrations runs them).
            .baselineOnMigrate(true)
            .baselineVersion("0");
    if (target != null) {
      flyway.target(target);
    }
    flyway.load().migrate();
  }

  /** A small connection pool on the given database of the shared server. */
  public static HikariDataSource dataSource(String database, int poolSize) {
    return pool(jdbcUrl(database), poolSize);
  }

  /** A small connection pool on any JDBC URL (user postgres, no password). */
  public static HikariDataSource pool(String jdbcUrl, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername("postgres");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  /**
   * Empties every table in the public schema except the migration histories and {@code
   * engine_nodes}: that holds the running engines' own liveness rows (the cached context's engine
   * keeps heartbeating between test classes), and a node that finds its row gone fences itself
   * until its next heartbeat writes it again, handing back what it was about to send.
   */
  public static void truncateAll(DataSource dataSource) {
    // A running engine (the context's, between tests) may hold a lock on one of the tables and
    // wait for another that the TRUNCATE already holds; PostgreSQL then aborts one side with a
    // deadlock. The engine retries its side; this retries ours.
    for (int attempt = 1; ; attempt++) {
      try {
        truncateOnce(dataSource);
        return;
      } catch (SQLException e) {
        if (!"40P01".equals(e.getSQLState()) || attempt == 5) {
          throw new IllegalStateException("could not truncate test tables", e);
        }
      }
    }
  }

  private static void truncateOnce(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (var rs =
          s.executeQuery(
              """
              SELECT quote_ident(tablename) FROM pg_tables
              WHERE schemaname = 'public' AND tablename NOT LIKE '%schema_history%'
                AND tablename <> 'engine_nodes'
                AND tablename NOT IN (SELECT c.relname FROM pg_inherits i
                                      JOIN pg_class c ON c.oid = i.inhrelid)
              """)) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (!tables.isEmpty()) {
        s.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
      }
    }
  }

  private static void ensureTemplate() {
    if (templateReady) {
      return;
    }
    execute("postgres", "DROP DATABASE IF EXISTS " + TEMPLATE);
    execute("postgres", "CREATE DATABASE " + TEMPLATE);
    TestSchema schema =
        ServiceLoader.load(TestSchema.class)
            .findFirst()
            .orElse(
                dataSource ->
                    migrate(TEMPLATE, EngineSchema.LOCATION, EngineSchema.HISTORY_TABLE, null));
    try (HikariDataSource dataSource = dataSource(TEMPLATE, 4)) {
      schema.migrate(dataSource);
    }
    execute("postgres", "ALTER DATABASE " + TEMPLATE + " WITH IS_TEMPLATE true");
    templateReady = true;
  }

  private static void execute(String database, String sql) {
    try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl(database), "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("could not run: " + sql, e);
    }
  }

  private static void closeQuietly() {
    try {
      postgres.close();
    } catch (IOException ignored) {
      // the JVM is exiting
    }
  }
}
