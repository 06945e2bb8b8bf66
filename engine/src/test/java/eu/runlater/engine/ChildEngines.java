package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Engines in child processes ({@link EngineProcess}) on one fixture's database, for the cluster
 * tests that kill nodes: each child is a whole JVM, so a SIGKILL takes its threads, its connection
 * pool and its in-flight HTTP requests with it, as a crashed server would.
 *
 * <p>Each child's database sessions carry its node id as {@code application_name}, so a test can
 * wait until PostgreSQL has ended a killed child's sessions before it reads what that node left
 * behind: a statement the child sent just before it died (a claim, a completion) is committed or
 * rolled back by then, and the row count read afterwards is final.
 */
final class ChildEngines implements AutoCloseable {
  private final EngineFixture fixture;
  private final Map<String, Process> running = new LinkedHashMap<>();

  ChildEngines(EngineFixture fixture) {
    this.fixture = fixture;
  }

  /** Starts one engine process per node id, all at once; returns when every one is running. */
  synchronized void start(String... nodeIds) {
    List<CompletableFuture<Process>> starting = new ArrayList<>();
    for (String nodeId : nodeIds) {
      starting.add(CompletableFuture.supplyAsync(() -> launch(nodeId)));
    }
    for (int i = 0; i < nodeIds.length; i++) {
      running.put(nodeIds[i], starting.get(i).join());
    }
  }

  synchronized List<String> nodes() {
    return List.copyOf(running.keySet());
  }

  /**
   * SIGKILL: no shutdown hook, no goodbye. Returns once the process is gone and PostgreSQL has
   * ended its sessions.
   */
  void kill(String nodeId) throws InterruptedException {
    Process process;
    synchronized (this) {
      process = running.remove(nodeId);
    }
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(nodeId + " did not die within 30 s of SIGKILL");
    }
    Sink.await(
        Duration.ofSeconds(30),
        "PostgreSQL to end the sessions of " + nodeId,
        () -> sessions(nodeId) == 0);
  }

  /** The tasks the node holds: claimed by it and not yet reported. */
  Set<UUID> held(String nodeId) throws SQLException {
    return Set.copyOf(
        fixture.db.withConnection(
            c ->
                Db.query(
                    c,
                    "SELECT id FROM tasks WHERE state = 'running' AND claimed_by = :node",
                    Db.Params.of("node", nodeId),
                    rs -> rs.getObject(1, UUID.class))));
  }

  private long sessions(String nodeId) {
    try {
      return fixture.db.withConnection(
          c ->
              Db.query(
                      c,
                      "SELECT count(*) FROM pg_stat_activity WHERE application_name = :node",
                      Db.Params.of("node", nodeId),
                      rs -> rs.getLong(1))
                  .getFirst());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Process launch(String nodeId) {
    String url = TestPostgres.jdbcUrl(fixture.database);
    url += (url.contains("?") ? "&" : "?") + "ApplicationName=" + nodeId;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Process process =
          new ProcessBuilder(
                  java,
                  // C1 only: a quicker start and less compiling beside the tests.
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  EngineProcess.class.getName(),
                  url,
                  nodeId)
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null) {
        if (line.contains("READY")) {
          Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
          return process;
        }
        lines.add(line);
      }
      throw new AssertionError(
          "engine process " + nodeId + " exited before it was ready:\n" + String.join("\n", lines));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A task to POST its own id to {@code url}, due at {@code runAt}, one attempt. */
  static NewTask task(String url, Instant runAt, int timeoutMs) {
    return EngineFixture.task(url, runAt, timeoutMs, UUID::toString);
  }

  @Override
  public synchronized void close() {
    for (Process process : running.values()) {
      process.destroyForcibly();
    }
    for (Process process : running.values()) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    running.clear();
  }
}
