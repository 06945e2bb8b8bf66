package eu.runlater.bench;

import eu.runlater.jobs.BenchJobs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What an idle node costs (issue 18, target 8): the real server started in this JVM with 1,000
 * hourly cron jobs, none of them due during the window, measured for {@code window}: the cores its
 * JVM and PostgreSQL used, the transactions and rows its database saw a second, and — when
 * PostgreSQL keeps statement statistics ({@code --diagnose}) — which statements ran and how often.
 *
 * <p>The jobs fire at the minute half an hour from now, so a window up to 29 minutes long has
 * nothing due; the settle time before it lets the start-up work (materialising the first
 * occurrences, the first passes of every sweeper) end.
 */
final class IdleBench {
  private final BenchPostgres pg;
  private final CpuMeter cpu;
  private final Path dataDir;

  IdleBench(BenchPostgres pg, CpuMeter cpu, Path dataDir) {
    this.pg = pg;
    this.cpu = cpu;
    this.dataDir = dataDir;
  }

  /** One statement's share of the window. */
  record Calls(String query, long calls, double millis) {}

  /** One idle window. */
  record Idle(
      CpuMeter.Usage usage,
      double seconds,
      double transactionsPerSecond,
      double rowsReadPerSecond,
      List<Calls> statements)
      implements Measured {
    @Override
    public CpuMeter.Usage cpu() {
      return usage;
    }

    double callsPerSecond() {
      return statements.stream().mapToLong(Calls::calls).sum() / seconds;
    }
  }

  /** Starts a server with {@code jobs} hourly cron jobs and measures {@code runs} idle windows. */
  List<Idle> run(int jobs, int runs, Duration settle, Duration window) throws Exception {
    try (BenchServer server = BenchServer.start(pg, dataDir, "idle")) {
      BenchJobs create = new BenchJobs(server.context());
      UUID org = server.organizationId();
      int minute = (ZonedDateTime.now(ZoneOffset.UTC).getMinute() + 30) % 60;
      for (int i = 0; i < jobs; i++) {
        // Spread over the minute's seconds, as real schedules are; a target nobody listens on:
        // nothing is due in the window, so nothing is sent.
        create.createCron(
            org,
            "idle-" + i,
            null,
            "http://127.0.0.1:9/never",
            null,
            "%d %d * * * *".formatted(i % 60, minute),
            "UTC");
      }
      System.out.printf(
          "  %,d hourly cron jobs at minute %d; settling for %d s%n",
          jobs, minute, settle.toSeconds());
      Thread.sleep(settle); // start-up work ends; nothing to wait on but time itself
      List<Idle> out = new ArrayList<>();
      try (Connection c = pg.connect(server.database())) {
        for (int run = 0; run < runs; run++) {
          out.add(window(c, server.database(), window));
        }
      }
      return out;
    }
  }

  private Idle window(Connection c, String database, Duration window) throws Exception {
    boolean statements = pg.diagnose();
    if (statements) {
      query(c, "SELECT pg_stat_statements_reset()");
    }
    long[] before = databaseCounters(c, database);
    CpuMeter.Sample a = cpu.sample();
    Thread.sleep(window); // the measurement is of what happens while nothing is asked
    CpuMeter.Sample b = cpu.sample();
    // The statistics collector publishes a backend's counters when it goes idle, at most once a
    // second: wait that long so the window's last second is counted.
    Thread.sleep(Duration.ofMillis(1_100));
    long[] after = databaseCounters(c, database);
    double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
    List<Calls> top = statements ? statements(c, database) : List.of();
    Idle idle =
        new Idle(
            CpuMeter.between(a, b),
            seconds,
            (after[0] - before[0]) / seconds,
            (after[1] - before[1]) / seconds,
            top);
    System.out.printf(
        "  %.0f s idle: %s; %.1f transactions/s, %.0f rows read/s%n",
        seconds, idle.cpu(), idle.transactionsPerSecond(), idle.rowsReadPerSecond());
    if (statements) {
      System.out.printf("  statements: %.1f calls/s%n", idle.callsPerSecond());
      for (Calls s : top) {
        System.out.printf(
            "    %6.2f/s %8.1f ms  %s%n",
            s.calls() / seconds, s.millis(), s.query().replaceAll("\\s+", " "));
      }
    }
    return idle;
  }

  /** Transactions (committed and rolled back) and rows read in the database so far. */
  private static long[] databaseCounters(Connection c, String database) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched"
                  + " FROM pg_stat_database WHERE datname = '"
                  + database
                  + "'")) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static List<Calls> statements(Connection c, String database) throws SQLException {
    List<Calls> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT query, calls, total_exec_time FROM pg_stat_statements p"
                    + " JOIN pg_database d ON d.oid = p.dbid WHERE d.datname = '"
                    + database
                    + "' AND query NOT LIKE '%pg_stat%' ORDER BY calls DESC")) {
      while (rs.next()) {
        out.add(new Calls(rs.getString(1), rs.getLong(2), rs.getDouble(3)));
      }
    }
    return out;
  }

  private static void query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
