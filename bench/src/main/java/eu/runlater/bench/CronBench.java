package eu.runlater.bench;

import eu.runlater.jobs.BenchJobs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cron at scale: the real server started in this JVM on a fresh database, with its own engine at
 * the server's defaults (100 workers, a pool of 20 connections), an organization on the Pro tier,
 * and many cron jobs (time zone UTC) POSTing the 200-byte JSON body to the sink. The jobs are
 * created through the server's own path ({@link BenchJobs}: the API's validation and {@code
 * Jobs#create}, which enqueues each job's first occurrence through the engine); every later
 * occurrence is made by the engine's claim hook as the previous one is claimed.
 *
 * <p>After a warm-up, a window of whole seconds is measured. Every occurrence planned within it
 * ({@code executions.scheduled_for} in the window) is read back from the history once all of them
 * are settled (no task planned before the window's end is left): lateness is {@code started_at -
 * scheduled_for} of every HTTP attempt, and each occurrence must appear exactly once, as an attempt
 * or as a {@code missed}/{@code skipped} entry.
 */
final class CronBench {
  /** Jobs are created by this many threads at once (the server's pool has 20 connections). */
  private static final int CREATORS = 8;

  private static final JsonNode BODY = JsonMapper.builder().build().readTree(Payload.BODY);

  /**
   * One workload: {@code jobs} cron jobs, each either every second ({@code * * * * * *}) or every
   * minute at second {@code i % 60} ({@code <i%60> * * * * *}), so one-minute jobs are spread
   * evenly over the minute.
   */
  record Case(String name, int jobs, boolean everySecond) {
    String expression(int i) {
      return everySecond ? "* * * * * *" : (i % 60) + " * * * * *";
    }

    /** Occurrences planned at an instant whose second of the minute is {@code second}. */
    long dueAt(int second) {
      if (everySecond) {
        return jobs;
      }
      return second < jobs ? (jobs - second + 59) / 60 : 0;
    }

    /** Occurrences planned in {@code [from, to)}, both whole seconds. */
    long expected(Instant from, Instant to) {
      long n = 0;
      for (long s = from.getEpochSecond(); s < to.getEpochSecond(); s++) {
        n += dueAt((int) Math.floorMod(s, 60));
      }
      return n;
    }

    String title() {
      return "%,d cron jobs %s"
          .formatted(
              jobs, everySecond ? "every second (* * * * * *)" : "every minute (<i%60> * * * * *)");
    }
  }

  /**
   * One measured window.
   *
   * @param createsPerSecond jobs created per second through {@link BenchJobs}
   * @param offered occurrences planned per second of the window
   * @param deliveriesPerSecond successful attempts of occurrences in the window, per second
   * @param sinkPerSecond requests the sink answered during the window, per second
   * @param lateness started_at - scheduled_for of every attempt of an occurrence in the window
   * @param burst per planned second: how long until the last of its occurrences started
   * @param expected occurrences the schedules plan in the window
   * @param recorded history entries of occurrences in the window (attempts and missed/skipped)
   * @param distinct distinct (job, scheduled_for) among them
   * @param statuses history entries by status
   * @param settleSeconds how long after the window's end until its last occurrence was settled
   */
  record Result(
      double createsPerSecond,
      double offered,
      double deliveriesPerSecond,
      double sinkPerSecond,
      Stats.Percentiles lateness,
      Stats.Percentiles burst,
      long expected,
      long recorded,
      long distinct,
      Map<String, Long> statuses,
      double walPerOccurrence,
      double settleSeconds,
      CpuMeter.Usage cpu)
      implements Measured {
    long duplicates() {
      return recorded - distinct;
    }

    long missing() {
      return expected - distinct;
    }

    long status(String name) {
      return statuses.getOrDefault(name, 0L);
    }

    long notSuccess() {
      return recorded - status("success");
    }
  }

  private final BenchPostgres pg;
  private final Sink sink;
  private final CpuMeter cpu;
  private final Path dataDir;

  CronBench(BenchPostgres pg, Sink sink, CpuMeter cpu, Path dataDir) {
    this.pg = pg;
    this.sink = sink;
    this.cpu = cpu;
    this.dataDir = dataDir;
  }

  Result run(Case c, Duration warmup, Duration measure) throws Exception {
    // The default, stated: a month's quota (1,000,000 on Pro) must not stop the run.
    try (BenchServer server =
            BenchServer.start(pg, dataDir, "cron_" + c.name(), "--runlater.quotas.enforce=false");
        Connection monitor = pg.connect(server.database())) {
      double createRate = create(new BenchJobs(server.context()), server.organizationId(), c);
      Instant from = Instant.now().plus(warmup).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      Instant to = from.plus(measure);
      System.out.printf("  warm-up until %s, measuring until %s%n", from, to);
      sleepUntil(from);
      pg.resetStatements(monitor);
      long walStart = BenchPostgres.walPosition(monitor);
      long sinkStart = sink.count();
      CpuMeter.Sample before = cpu.sample();
      sleepUntil(to);
      CpuMeter.Sample after = cpu.sample();
      long sinkEnd = sink.count();
      long wal = BenchPostgres.walPosition(monitor) - walStart;
      double settle = awaitSettled(monitor, to, Duration.ofMinutes(3));
      pg.printStatements(monitor, server.database());
      return read(
          monitor, c, from, to, createRate, sinkEnd - sinkStart, wal, settle, before, after);
    }
  }

  /** Creates the case's jobs with {@value #CREATORS} threads; jobs created per second. */
  private double create(BenchJobs jobs, UUID org, Case c) throws InterruptedException {
    String url = sink.uri().toString();
    AtomicInteger next = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < CREATORS; t++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i; (i = next.getAndIncrement()) < c.jobs(); ) {
                      try {
                        jobs.createCron(
                            org,
                            "cron-" + c.name() + "-" + i,
                            null,
                            url,
                            BODY,
                            c.expression(i),
                            "UTC");
                      } catch (RuntimeException e) {
                        if (errors.incrementAndGet() <= 3) {
                          System.out.println("  WARNING: job " + i + " not created: " + e);
                        }
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (errors.get() > 0) {
      throw new IllegalStateException(errors.get() + " jobs could not be created");
    }
    System.out.printf(
        "  created %,d jobs in %.1f s (%,.0f/s)%n", c.jobs(), seconds, c.jobs() / seconds);
    return c.jobs() / seconds;
  }

  /**
   * Waits until no task planned before {@code to} is left (each was claimed and its outcome
   * committed, or recorded as missed); the seconds that took.
   */
  private static double awaitSettled(Connection c, Instant to, Duration patience)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      long left;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT count(*) FROM tasks WHERE scheduled_for < ?")) {
        ps.setObject(1, ts(to));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          left = rs.getLong(1);
        }
      }
      double seconds = Duration.between(to, Instant.now()).toMillis() / 1e3;
      if (left == 0) {
        return seconds;
      }
      if (System.nanoTime() > deadline) {
        System.out.printf(
            "  WARNING: %,d occurrences planned before the window's end still unsettled after"
                + " %.0f s%n",
            left, seconds);
        return seconds;
      }
      Thread.sleep(200);
    }
  }

  private static Result read(
      Connection c,
      Case cse,
      Instant from,
      Instant to,
      double createRate,
      long sinkRequests,
      long wal,
      double settle,
      CpuMeter.Sample before,
      CpuMeter.Sample after)
      throws SQLException {
    String window = " WHERE scheduled_for >= ? AND scheduled_for < ?";
    Map<String, Long> statuses = new LinkedHashMap<>();
    try (ResultSet rs =
        query(
            c,
            "SELECT status, count(*) FROM executions" + window + " GROUP BY 1 ORDER BY 2 DESC",
            from,
            to)) {
      while (rs.next()) {
        statuses.put(rs.getString(1), rs.getLong(2));
      }
    }
    long recorded;
    long distinct;
    try (ResultSet rs =
        query(
            c,
            "SELECT count(*), count(DISTINCT (source_id, scheduled_for)) FROM executions" + window,
            from,
            to)) {
      rs.next();
      recorded = rs.getLong(1);
      distinct = rs.getLong(2);
    }
    double[] lateness =
        doubles(
            c,
            "SELECT extract(epoch FROM started_at - scheduled_for) * 1000 FROM executions"
                + window
                + " AND started_at IS NOT NULL",
            from,
            to);
    double[] burst =
        doubles(
            c,
            "SELECT extract(epoch FROM max(started_at) - scheduled_for) * 1000 FROM executions"
                + window
                + " AND started_at IS NOT NULL GROUP BY scheduled_for",
            from,
            to);
    double seconds = Duration.between(from, to).toMillis() / 1e3;
    long expected = cse.expected(from, to);
    return new Result(
        createRate,
        expected / seconds,
        statuses.getOrDefault("success", 0L) / seconds,
        sinkRequests / seconds,
        Stats.Percentiles.of(lateness),
        Stats.Percentiles.of(burst),
        expected,
        recorded,
        distinct,
        statuses,
        distinct == 0 ? Double.NaN : (double) wal / distinct,
        settle,
        CpuMeter.between(before, after));
  }

  private static ResultSet query(Connection c, String sql, Instant from, Instant to)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.closeOnCompletion();
    ps.setObject(1, ts(from));
    ps.setObject(2, ts(to));
    return ps.executeQuery();
  }

  private static double[] doubles(Connection c, String sql, Instant from, Instant to)
      throws SQLException {
    List<Double> values = new ArrayList<>();
    try (ResultSet rs = query(c, sql, from, to)) {
      while (rs.next()) {
        values.add(rs.getDouble(1));
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static OffsetDateTime ts(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static void sleepUntil(Instant instant) throws InterruptedException {
    long millis = Duration.between(Instant.now(), instant).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
