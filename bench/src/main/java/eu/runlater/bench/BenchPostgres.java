package eu.runlater.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.platform.database.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * The one embedded PostgreSQL 18 every phase runs on, configured as the server runs its own
 * (durable: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on). Each phase
 * gets a fresh database cloned from a migrated template, and drops it afterwards.
 */
final class BenchPostgres implements AutoCloseable {
  static final String USER = "postgres";
  private static final String TEMPLATE = "bench_template";

  /** Reported with the results; the durability settings are the ones that cost. */
  static final List<String> REPORTED_SETTINGS =
      List.of(
          "server_version",
          "fsync",
          "synchronous_commit",
          "full_page_writes",
          "wal_sync_method",
          "wal_level",
          "shared_buffers",
          "max_wal_size",
          "checkpoint_timeout",
          "max_connections",
          "listen_addresses");

  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final boolean diagnose;
  private final AtomicInteger databases = new AtomicInteger();

  private BenchPostgres(EmbeddedPostgres postgres, Path dataDir, boolean diagnose) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.diagnose = diagnose;
  }

  /** Whether this PostgreSQL keeps statement statistics ({@code --diagnose}). */
  boolean diagnose() {
    return diagnose;
  }

  /** With {@code --diagnose}: forgets the statement statistics gathered so far. */
  void resetStatements(Connection c) {
    if (diagnose) {
      queryLong(c, "SELECT 1 FROM (SELECT pg_stat_statements_reset()) r");
    }
  }

  /**
   * With {@code --diagnose}: prints every statement's calls and execution time since the reset,
   * summed, per {@code unit} of the {@code units} the phase did (statements per step, say).
   */
  void printStatementTotals(Connection c, String database, long units, String unit) {
    if (!diagnose) {
      return;
    }
    String sql =
        """
        SELECT sum(calls), sum(total_exec_time)
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = '%s'
        """
            .formatted(database);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      System.out.printf(
          "  per %s: %.2f statements, %.0f µs of statement execution%n",
          unit, rs.getDouble(1) / units, rs.getDouble(2) * 1000 / units);
    } catch (SQLException e) {
      System.out.println("  (no statement statistics: " + e.getMessage() + ")");
    }
  }

  /**
   * With {@code --diagnose}: prints the statements that took the most time since the reset, and
   * every statement on {@code usage_months} whatever its rank (the monthly usage count runs in
   * every claim; its tail is watched when it is no longer among the first).
   */
  void printStatements(Connection c, String database) {
    if (!diagnose) {
      return;
    }
    String sql =
        """
        SELECT calls, round(total_exec_time) AS total_ms, round(mean_exec_time::numeric, 2) AS mean_ms,
               round(max_exec_time::numeric, 1) AS max_ms, rows,
               round(total_plan_time) AS plan_ms, plans,
               regexp_replace(left(query, 110), '\\s+', ' ', 'g') AS query
        FROM (SELECT s.*, rank() OVER (ORDER BY total_exec_time DESC) AS place
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
              WHERE d.datname = '%s') s
        WHERE place <= 16 OR query ILIKE '%%usage_months%%'
        ORDER BY total_exec_time DESC
        """
            .formatted(database);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      System.out.println(
          "  top statements (calls, total ms, mean ms, max ms, rows, planning ms, plans, query):");
      while (rs.next()) {
        System.out.printf(
            "    %7d %8d %8s %8s %8d %7d %7d  %s%n",
            rs.getLong(1),
            rs.getLong(2),
            rs.getString(3),
            rs.getString(4),
            rs.getLong(5),
            rs.getLong(6),
            rs.getLong(7),
            rs.getString(8));
      }
    } catch (SQLException e) {
      System.out.println("  (no statement statistics: " + e.getMessage() + ")");
    }
  }

  /**
   * With {@code --diagnose}: where the WAL written since {@code startLsn} went, per {@code unit} of
   * the {@code units} the phase did — by record kind (pg_walinspect's {@code pg_get_wal_stats}:
   * each kind's bytes with its full-page images apart) and by relation (each block's data and
   * full-page image, {@code pg_get_wal_block_info}, named in {@code c}'s database; a record's own
   * header and main data are not attributed to a relation). Which table or index to slim is read
   * from here.
   */
  void printWal(Connection c, long startLsn, long units, String unit) {
    if (!diagnose) {
      return;
    }
    String range = "'0/0'::pg_lsn + %d, pg_current_wal_lsn()".formatted(startLsn);
    String kinds =
        """
        SELECT "resource_manager/record_type" AS kind, count, record_size + fpi_size AS bytes,
               fpi_size
        FROM pg_get_wal_stats(%s, true) WHERE count > 0
        ORDER BY record_size + fpi_size DESC LIMIT 12
        """
            .formatted(range);
    String relations =
        """
        SELECT coalesce(pg_filenode_relation(b.reltablespace, b.relfilenode)::regclass::text,
                        'filenode ' || b.relfilenode) AS relation,
               count(*) AS blocks, sum(b.block_data_length) AS data,
               sum(b.block_fpi_length) AS fpi
        FROM pg_get_wal_block_info(%s) b
        WHERE b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
        GROUP BY 1 ORDER BY sum(b.block_data_length + b.block_fpi_length) DESC LIMIT 14
        """
            .formatted(range);
    try (Statement s = c.createStatement()) {
      System.out.printf("  WAL per %s by record kind (count, bytes, of which full pages):%n", unit);
      try (ResultSet rs = s.executeQuery(kinds)) {
        while (rs.next()) {
          System.out.printf(
              "    %-34s %8.2f %9.0f %9.0f%n",
              rs.getString(1),
              rs.getDouble(2) / units,
              rs.getDouble(3) / units,
              rs.getDouble(4) / units);
        }
      }
      System.out.printf(
          "  WAL per %s by relation (blocks, block data bytes, full-page bytes):%n", unit);
      try (ResultSet rs = s.executeQuery(relations)) {
        while (rs.next()) {
          System.out.printf(
              "    %-34s %8.2f %9.0f %9.0f%n",
              rs.getString(1),
              rs.getDouble(2) / units,
              rs.getDouble(3) / units,
              rs.getDouble(4) / units);
        }
      }
    } catch (SQLException e) {
      System.out.println("  (no WAL breakdown: " + e.getMessage() + ")");
    }
  }

  /**
   * Starts the server. With {@code diagnose}, statistics of every statement are kept
   * (pg_stat_statements) and the plans of statements slower than 50 ms are logged (auto_explain) to
   * {@code <dir>/log}: a small cost, so figures from a diagnosing run are not reported. The
   * environment tunes the plans logged: {@code BENCH_EXPLAIN_MS} (the threshold, default 50) and
   * {@code BENCH_EXPLAIN_ANALYZE=on} (each plan with its actual rows and buffers; every statement
   * is then instrumented, which costs more). {@code BENCH_SYNCHRONOUS_COMMIT=off}, a diagnosis
   * only, lets commits return before their WAL flush, to see what the flushes cost a phase.
   */
  static BenchPostgres start(Path dir, boolean diagnose) throws IOException {
    Files.createDirectories(dir.resolve("runtime"));
    Path data = dir.resolve("data");
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (diagnose) {
      builder
          .setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
          // Planning time apart from execution: a statement planned anew on every call shows here.
          .setServerConfig("pg_stat_statements.track_planning", "on")
          .setServerConfig(
              "auto_explain.log_min_duration",
              System.getenv().getOrDefault("BENCH_EXPLAIN_MS", "50") + "ms")
          .setServerConfig(
              "auto_explain.log_analyze",
              System.getenv().getOrDefault("BENCH_EXPLAIN_ANALYZE", "off"))
          .setServerConfig(
              "auto_explain.log_buffers",
              System.getenv().getOrDefault("BENCH_EXPLAIN_ANALYZE", "off"))
          .setServerConfig("auto_explain.log_timing", "off")
          .setServerConfig("auto_explain.log_nested_statements", "on")
          .setServerConfig("logging_collector", "on")
          .setServerConfig("log_directory", dir.resolve("log").toString())
          .setServerConfig("log_lock_waits", "on")
          .setServerConfig("log_autovacuum_min_duration", "0")
          .setServerConfig("log_checkpoints", "on");
    }
    EmbeddedPostgres postgres =
        builder
            .setOverrideWorkingDirectory(dir.resolve("runtime").toFile())
            .setDataDirectory(data)
            .setCleanDataDirectory(true)
            .setRegisterShutdownHook(true)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("listen_addresses", "127.0.0.1")
            // The library defaults to synchronous_commit=off; a benchmark of durable delivery
            // must pay for every commit's WAL flush, as the server does.
            .setServerConfig(
                "synchronous_commit",
                System.getenv().getOrDefault("BENCH_SYNCHRONOUS_COMMIT", "on"))
            .setServerConfig("fsync", "on")
            .setServerConfig("full_page_writes", "on")
            .setServerConfig("max_connections", "200")
            .start();
    BenchPostgres pg = new BenchPostgres(postgres, data, diagnose);
    pg.createTemplate();
    return pg;
  }

  private void createTemplate() {
    execute("postgres", "CREATE DATABASE " + TEMPLATE);
    if (diagnose) {
      execute(TEMPLATE, "CREATE EXTENSION pg_stat_statements");
      execute(TEMPLATE, "CREATE EXTENSION pg_walinspect");
    }
    // Every module's chain, not only the engine's: the server phases start a server on a copy,
    // and BenchServer writes instance_settings before it does.
    Migrations.migrate(Flyway.configure().dataSource(jdbcUrl(TEMPLATE), USER, null));
    execute("postgres", "ALTER DATABASE " + TEMPLATE + " WITH IS_TEMPLATE true");
  }

  /** A new database with the engine's and the server's schema; its name. */
  String freshDatabase(String purpose) {
    String name = "b" + databases.incrementAndGet() + "_" + purpose.replaceAll("[^a-z0-9]", "_");
    execute("postgres", "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    // Start every phase from a clean checkpoint, so one phase's dirty pages are not written
    // during the next one's measurement.
    execute("postgres", "CHECKPOINT");
    return name;
  }

  void drop(String database) {
    execute("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  String jdbcUrl(String database) {
    return postgres.getJdbcUrl(USER, database);
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, null);
  }

  /** A pool set up as the server sets up its own (batched inserts rewritten into multi-rows). */
  HikariDataSource pool(String database, int size, String name) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(jdbcUrl(database));
    config.setUsername(USER);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(10_000);
    config.addDataSourceProperty("ApplicationName", name);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }

  /** The postmaster's process id, for CPU accounting. */
  long postmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
  }

  Map<String, String> settings() {
    Map<String, String> values = new LinkedHashMap<>();
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      for (String name : REPORTED_SETTINGS) {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
          rs.next();
          values.put(name, rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read PostgreSQL settings", e);
    }
    return values;
  }

  /** The server's WAL position in bytes: a difference of two is the WAL written in between. */
  static long walPosition(Connection c) {
    return queryLong(c, "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
  }

  /** The first column of the first row, on a connection the caller keeps open. */
  static long queryLong(Connection c, String sql) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not run: " + sql, e);
    }
  }

  void execute(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("could not run: " + sql, e);
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
