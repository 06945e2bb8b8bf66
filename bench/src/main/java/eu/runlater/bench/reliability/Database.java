package eu.runlater.bench.reliability;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one PostgreSQL 18 the battery's nodes share, a process of its own that can be stopped,
 * started and killed while the nodes run: the zonky binaries unpack it and run {@code initdb} and
 * the first start; later stops and starts go through its {@code pg_ctl} with the same options on
 * the same fixed port, so every node's {@code DATABASE_URL} stays valid across restarts.
 *
 * <p>Durable as the server's own embedded database: {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} on.
 *
 * <p>Stopped once, by this class ({@link #close}, or a shutdown hook if the battery is
 * interrupted): the library's own close would run {@code pg_ctl stop} again, with 5 s to stop, on a
 * server that this class had already stopped, and log "Could not stop postmaster" with a stack
 * trace.
 */
final class Database implements AutoCloseable {
  static final String NAME = "runlater";
  private static final String USER = "postgres";

  private final Path data;
  private final Path pgCtl;
  private final int port;
  private final Path log;

  private final Thread stopAtExit = Thread.ofPlatform().unstarted(this::stopQuietly);

  private Database(Path data, Path pgCtl, int port, Path log) {
    this.data = data;
    this.pgCtl = pgCtl;
    this.port = port;
    this.log = log;
  }

  static Database start(Path dir, Path tablespace) throws IOException {
    Files.createDirectories(dir.resolve("runtime"));
    Path data = dir.resolve("data");
    int port = freePort();
    // The library's instance is not kept: it unpacks the binaries, runs initdb and the first
    // start; this class stops the server (see the class's comment).
    EmbeddedPostgres.builder()
        .setOverrideWorkingDirectory(dir.resolve("runtime").toFile())
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "300")
        .start();
    // The library unpacks its binaries once per JVM (into the first working directory): find
    // pg_ctl beside the running postmaster's executable.
    long pid =
        Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
    Path pgCtl =
        Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"))
            .resolveSibling("pg_ctl");
    Database db = new Database(data, pgCtl, port, dir.resolve("postgres.log"));
    Runtime.getRuntime().addShutdownHook(db.stopAtExit);
    // The settings of later starts (pg_ctl with only the port): kept in postgresql.auto.conf.
    for (String setting :
        List.of(
            "listen_addresses = '127.0.0.1'",
            "synchronous_commit = on",
            "fsync = on",
            "full_page_writes = on",
            "max_connections = 300",
            "timezone = 'UTC'")) {
      db.execute("postgres", "ALTER SYSTEM SET " + setting);
    }
    if (tablespace == null) {
      db.execute("postgres", "CREATE DATABASE " + NAME);
    } else {
      db.execute("postgres", "CREATE TABLESPACE small LOCATION '" + tablespace + "'");
      db.execute("postgres", "CREATE DATABASE " + NAME + " TABLESPACE small");
    }
    return db;
  }

  int port() {
    return port;
  }

  /** The URL the nodes get as {@code DATABASE_URL} (direct, or through a proxy's port). */
  String url(int viaPort) {
    return "postgres://" + USER + "@127.0.0.1:" + viaPort + "/" + NAME;
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(NAME));
  }

  /** A clean stop ({@code fast}: sessions are ended, a checkpoint is written). */
  void stop() throws IOException, InterruptedException {
    pgCtl("stop", "-m", "fast", "-w", "-t", "60");
  }

  /** A crash: the postmaster and every backend get SIGKILL; the next start recovers from WAL. */
  void kill() throws IOException, InterruptedException {
    long pid =
        Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
    // Orphaned backends die with the postmaster's pipe; wait until the port is free.
    for (int i = 0; i < 100 && portInUse(); i++) {
      Thread.sleep(100);
    }
    Files.deleteIfExists(data.resolve("postmaster.pid"));
  }

  void start() throws IOException, InterruptedException {
    pgCtl("start", "-w", "-t", "120", "-l", log.toString(), "-o", "-p " + port);
  }

  private boolean portInUse() {
    try (var s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void pgCtl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      // pg_ctl refuses to run as root; as the library does, run it in a user namespace.
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(List.of(pgCtl.toString(), "-D", data.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(log.resolveSibling("pg_ctl.log").toFile()))
            .start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("pg_ctl " + String.join(" ", args) + " failed; see pg_ctl.log");
    }
  }

  void execute(String database, String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(database));
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("could not run: " + sql, e);
    }
  }

  /** The first column of the first row of a query on the nodes' database. */
  long queryLong(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not run: " + sql, e);
    }
  }

  /** The first column of every row, as strings. */
  List<String> queryStrings(String sql) {
    List<String> out = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not run: " + sql, e);
    }
    return out;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Stops the server if it runs (a clean {@link #stop}) and deletes its data directory; a server
   * that would not stop is left with its data, and said so.
   */
  @Override
  public void close() throws IOException {
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook runs, or has run, stopQuietly
    }
    if (!stopQuietly()) {
      return;
    }
    try (var paths = Files.walk(data)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Stops the server if it runs; whether it is stopped. */
  private synchronized boolean stopQuietly() {
    if (!Files.exists(data.resolve("postmaster.pid"))) {
      return true;
    }
    try {
      stop();
      return true;
    } catch (IOException | InterruptedException e) {
      System.err.println("PostgreSQL in " + data + " did not stop (" + e.getMessage() + ")");
      return false;
    }
  }
}
