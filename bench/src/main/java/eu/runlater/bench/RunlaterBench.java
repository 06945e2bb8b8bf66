package eu.runlater.bench;

import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.engine.Backoff;
import eu.runlater.engine.Engine;
import eu.runlater.engine.EngineConfig;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.TargetPolicy;
import eu.runlater.engine.TaskRequest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Runlater's engine, end to end: due tasks are claimed, POSTed to the sink, and their executions
 * committed to the history. A delivery counts once its execution row is committed.
 */
final class RunlaterBench {
  static final UUID ORG = UUID.fromString("0190c0de-0000-7000-8000-00000000be4c");
  private static final Backoff BACKOFF = new Backoff(1_000, 60_000);
  private static final int TIMEOUT_MS = 10_000;
  private static final int INSERT_BATCH = 1_000;
  private static final int PENDING_BATCH = 10_000;

  private final BenchPostgres pg;
  private final Sink sink;
  private final CpuMeter cpu;
  private final int workers;
  private int engines;

  RunlaterBench(BenchPostgres pg, Sink sink, CpuMeter cpu, int workers) {
    this.pg = pg;
    this.sink = sink;
    this.cpu = cpu;
    this.workers = workers;
  }

  /** A drained backlog: how fast, where the CPU went, and how fast the backlog went in. */
  /**
   * A drained backlog: deliveries/s, inserts/s of the backlog, CPU, WAL bytes per delivery, and the
   * engine's own mean HTTP attempt duration (its {@code runlater.delivery.duration} timer).
   */
  record Drain(
      double perSecond,
      double insertPerSecond,
      CpuMeter.Usage cpu,
      double walPerTask,
      double httpMeanMillis,
      long duplicates)
      implements Measured {}

  /** Inserts {@code n} due tasks, then starts the engine and times it until all are recorded. */
  Drain preloaded(int n, Path jfr) throws Exception {
    try (Setup s = new Setup("rl_preloaded")) {
      long insertStart = System.nanoTime();
      insertDue(s, n);
      double insertRate = n * 1e9 / (System.nanoTime() - insertStart);
      long sinkStart = sink.count();
      Recording recording = jfr == null ? null : startRecording(jfr);
      long walStart = BenchPostgres.walPosition(s.monitor);
      pg.resetStatements(s.monitor);
      CpuMeter.Sample before = cpu.sample();
      long start = System.nanoTime();
      s.engine.start();
      long end = awaitRecorded(s, sinkStart + n, n, Duration.ofMinutes(10));
      CpuMeter.Sample after = cpu.sample();
      long wal = BenchPostgres.walPosition(s.monitor) - walStart;
      pg.printStatements(s.monitor, s.database);
      pg.printWal(s.monitor, walStart, n, "delivery");
      if (recording != null) {
        recording.stop();
        recording.close();
        System.out.println("  JFR recording of the drain written to " + jfr);
      }
      return new Drain(
          n * 1e9 / (end - start),
          insertRate,
          CpuMeter.between(before, after),
          (double) wal / n,
          s.httpMeanMillis(),
          s.verify(n));
    }
  }

  /**
   * A backlog drain with work waiting behind it: the backlog of {@link #preloaded}, {@code n} due
   * tasks, drained while {@code pending} more tasks wait, due over the next day (from ten minutes
   * on, so none falls due during the drain), vacuumed and analyzed as a day of autovacuum would
   * leave them, and checkpointed, so the drain starts as clean as {@link #preloaded}'s. Also the
   * heap of this JVM, where the engine runs, after a full collection before and after the drain.
   */
  Pending pending(int n, long pending) throws Exception {
    try (Setup s = new Setup("rl_pending")) {
      long insertStart = System.nanoTime();
      insertLater(s, pending);
      double insertRate = pending * 1e9 / (System.nanoTime() - insertStart);
      s.execute("VACUUM (ANALYZE) tasks");
      s.execute("CHECKPOINT");
      insertDue(s, n);
      long heapBefore = heapAfterCollection();
      long sinkStart = sink.count();
      pg.resetStatements(s.monitor);
      CpuMeter.Sample before = cpu.sample();
      long start = System.nanoTime();
      s.engine.start();
      long end = awaitRecorded(s, sinkStart + n, n, pending, Duration.ofMinutes(20));
      CpuMeter.Sample after = cpu.sample();
      long heapAfter = heapAfterCollection();
      pg.printStatements(s.monitor, s.database);
      return new Pending(
          n * 1e9 / (end - start),
          insertRate,
          CpuMeter.between(before, after),
          heapBefore,
          heapAfter,
          s.verify(n, pending));
    }
  }

  /** A drain with {@code pending} tasks waiting behind it; heap in bytes after a full GC. */
  record Pending(
      double perSecond,
      double pendingInsertPerSecond,
      CpuMeter.Usage cpu,
      long heapBefore,
      long heapAfter,
      long duplicates)
      implements Measured {}

  private static long heapAfterCollection() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Inserts {@code pending} tasks due from ten minutes to a day from now, evenly spread, 10,000 to
   * a transaction (the engine's {@code Tasks.insert}, as any producer inserts).
   */
  private void insertLater(Setup s, long pending) throws SQLException {
    Instant from = Instant.now().plus(Duration.ofMinutes(10));
    double spacingMillis = Duration.ofDays(1).toMillis() / (double) Math.max(1, pending);
    long reported = System.nanoTime();
    for (long done = 0; done < pending; done += PENDING_BATCH) {
      List<NewTask> batch = new ArrayList<>(PENDING_BATCH);
      for (long i = done; i < Math.min(done + PENDING_BATCH, pending); i++) {
        batch.add(task(s.url, from.plusMillis((long) (i * spacingMillis))));
      }
      s.insert(batch);
      if (System.nanoTime() - reported > 30_000_000_000L) {
        System.out.printf("  %,d of %,d pending tasks inserted%n", done + batch.size(), pending);
        reported = System.nanoTime();
      }
    }
  }

  /** Starts the engine on an empty table, then inserts {@code n} due tasks while it delivers. */
  Drain concurrent(int n) throws Exception {
    try (Setup s = new Setup("rl_concurrent")) {
      s.engine.start();
      long sinkStart = sink.count();
      long walStart = BenchPostgres.walPosition(s.monitor);
      pg.resetStatements(s.monitor);
      CpuMeter.Sample before = cpu.sample();
      long start = System.nanoTime();
      insertDue(s, n);
      double insertRate = n * 1e9 / (System.nanoTime() - start);
      long end = awaitRecorded(s, sinkStart + n, n, Duration.ofMinutes(10));
      CpuMeter.Sample after = cpu.sample();
      long wal = BenchPostgres.walPosition(s.monitor) - walStart;
      pg.printStatements(s.monitor, s.database);
      return new Drain(
          n * 1e9 / (end - start),
          insertRate,
          CpuMeter.between(before, after),
          (double) wal / n,
          s.httpMeanMillis(),
          s.verify(n));
    }
  }

  /**
   * Feeds tasks due 1 s after their insert at {@code perSecond} for {@code duration}, waits until
   * all are recorded, and returns the lateness (execution started_at minus due_at) of those due
   * after the warm-up.
   */
  Lateness lateness(double perSecond, Duration duration, Duration warmup) throws Exception {
    try (Setup s = new Setup("rl_lateness")) {
      s.engine.start();
      long sinkStart = sink.count();
      Instant fedFrom = Instant.now();
      CpuMeter.Sample before = cpu.sample();
      Feeder.Fed fed =
          Feeder.run(
              perSecond,
              duration,
              count -> {
                Instant due = Instant.now().plusSeconds(1);
                List<NewTask> batch = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                  batch.add(task(s.url, due));
                }
                s.insert(batch);
              });
      CpuMeter.Sample after = cpu.sample();
      awaitRecorded(s, sinkStart + fed.tasks(), fed.tasks(), Duration.ofMinutes(5));
      long duplicates = s.verify(fed.tasks());
      return new Lateness(
          Stats.Percentiles.of(s.lateness(fedFrom.plusSeconds(1).plus(warmup))),
          fed.rate(),
          CpuMeter.between(before, after),
          duplicates);
    }
  }

  private void insertDue(Setup s, int n) throws SQLException {
    for (int done = 0; done < n; done += INSERT_BATCH) {
      Instant now = Instant.now();
      List<NewTask> batch = new ArrayList<>(INSERT_BATCH);
      for (int i = 0; i < Math.min(INSERT_BATCH, n - done); i++) {
        batch.add(task(s.url, now));
      }
      s.insert(batch);
    }
  }

  /**
   * Waits for the sink to have seen {@code sinkTarget} requests, then for every task to be
   * finished: a completion deletes its task and appends its execution in one transaction, so an
   * empty task table with at least {@code executions} history rows means every delivery is recorded
   * (a duplicate delivery cannot make the count reach it early).
   */
  private long awaitRecorded(Setup s, long sinkTarget, long executions, Duration timeout) {
    return awaitRecorded(s, sinkTarget, executions, 0, timeout);
  }

  /**
   * As above, with {@code pending} tasks due later left in the table: then "finished" means none
   * running and none due (the bench's tasks are all of priority 5), asked through the indexes the
   * engine reads, as a look at the whole table would read every pending task.
   */
  private long awaitRecorded(
      Setup s, long sinkTarget, long executions, long pending, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sink.count() < sinkTarget) {
      check(deadline, "the sink to receive " + sinkTarget + " requests (has " + sink.count() + ")");
      LockSupport.parkNanos(2_000_000);
    }
    String unfinished =
        pending == 0
            ? "SELECT count(*) FROM (SELECT 1 FROM tasks LIMIT 1) t"
            : "SELECT (SELECT count(*) FROM (SELECT 1 FROM tasks WHERE state = 'running' LIMIT 1) r)"
                + " + (SELECT count(*) FROM (SELECT 1 FROM tasks WHERE state = 'ready'"
                + " AND priority = 5 AND run_at <= now() LIMIT 1) d)";
    while (s.count(unfinished) > 0) {
      check(deadline, "every task to be finished");
      LockSupport.parkNanos(5_000_000);
    }
    long done = System.nanoTime();
    long recorded = s.count("SELECT count(*) FROM executions");
    if (recorded < executions) {
      throw new IllegalStateException(
          "the task table is empty but only " + recorded + " of " + executions + " are recorded");
    }
    return done;
  }

  private static void check(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("timed out waiting for " + what);
    }
  }

  private static NewTask task(String url, Instant runAt) {
    Instant now = Instant.now();
    return new NewTask(
        Ids.v7(now),
        ORG,
        "job",
        Ids.v7(now),
        5,
        runAt,
        runAt,
        1,
        BACKOFF,
        new TaskRequest(url, "POST", Payload.HEADERS, null, Payload.BODY, false, TIMEOUT_MS));
  }

  static Recording startRecording(Path file) throws Exception {
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    // Experimental in JDK 25 (JEP 509): samples by CPU time spent, in Java and in native code
    // alike, where jdk.ExecutionSample sees only threads running Java code.
    recording.enable("jdk.CPUTimeSample").with("throttle", "5ms");
    recording.setDestination(file);
    recording.setToDisk(true);
    recording.start();
    return recording;
  }

  /** A fresh database, a pool, a delivery client and an engine (not started) on them. */
  private final class Setup implements AutoCloseable {
    final String database;
    final HikariDataSource pool;
    final Engine engine;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final String url = sink.uri().toString();
    // Outside the pool: watching the history must not take a connection the engine needs.
    final Connection monitor;

    Setup(String purpose) {
      database = pg.freshDatabase(purpose);
      // The server's default pool size.
      pool = pg.pool(database, 20, "runlater-bench");
      try {
        monitor = pg.connect(database);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      String jdbcUrl = pg.jdbcUrl(database);
      engine =
          Engine.builder(
                  EngineConfig.builder("bench-" + (++engines))
                      .workers(workers)
                      .userAgent(Payload.USER_AGENT)
                      .build())
              .database(pool, () -> DriverManager.getConnection(jdbcUrl, BenchPostgres.USER, null))
              // The engine's own client: built as Payload.httpDelivery builds the HTTP-only one.
              .targets(TargetPolicy.parse(Payload.ALLOWED_TARGETS))
              .secrets(
                  SecretBox.fromConfigured(SecretBox.generateKey()), org -> List.of(Payload.SECRET))
              .meters(meters)
              .build();
    }

    /** Inserts in one transaction and tells the engine, as the server's enqueuer does. */
    void insert(List<NewTask> batch) throws SQLException {
      Instant earliest;
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          earliest = engine.tasks().insert(c, batch);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
      engine.tasks().committed(earliest);
    }

    double httpMeanMillis() {
      Timer timer = meters.find("runlater.delivery.duration").timer();
      return timer == null ? Double.NaN : timer.mean(TimeUnit.MILLISECONDS);
    }

    long count(String sql) {
      return BenchPostgres.queryLong(monitor, sql);
    }

    void execute(String sql) {
      pg.execute(database, sql);
    }

    /**
     * Checks that every task was delivered exactly once, successfully, and none is left; returns
     * the number of duplicate deliveries (history rows beyond one per task).
     */
    long verify(long expected) {
      return verify(expected, 0);
    }

    /** As {@link #verify(long)}, with {@code pending} tasks (due later) left in the table. */
    long verify(long expected, long pending) {
      long rows = count("SELECT count(*) FROM executions");
      long tasks = count("SELECT count(DISTINCT task_id) FROM executions");
      long ok = count("SELECT count(*) FROM executions WHERE status = 'success'");
      long left = count("SELECT count(*) FROM tasks");
      if (rows != expected || tasks != expected || ok != expected || left != pending) {
        System.out.printf(
            "  WARNING: expected %d successful executions of distinct tasks and %d tasks left;"
                + " found %d rows, %d distinct tasks, %d successes, %d tasks left%n",
            expected, pending, rows, tasks, ok, left);
      }
      return rows - tasks;
    }

    /** Lateness in ms of the executions due at or after {@code from}. */
    double[] lateness(Instant from) throws SQLException {
      try (PreparedStatement ps =
          monitor.prepareStatement(
              "SELECT extract(epoch FROM started_at - due_at) * 1000 FROM executions"
                  + " WHERE due_at >= ?")) {
        ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        List<Double> values = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            values.add(rs.getDouble(1));
          }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
      }
    }

    @Override
    public void close() {
      engine.close();
      try {
        monitor.close();
      } catch (SQLException ignored) {
        // dropped with the database
      }
      pool.close();
      pg.drop(database);
    }
  }
}
