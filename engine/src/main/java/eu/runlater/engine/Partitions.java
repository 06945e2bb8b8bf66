package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily partitions of the execution history: created ahead of time, dropped whole once older than
 * the retention, so retention never runs a mass {@code DELETE}.
 *
 * <p>Creation is idempotent and safe to race: every node ensures the partitions at start, and the
 * leader keeps them ahead; a completer that still finds one missing creates it and retries.
 */
final class Partitions {
  private static final Logger log = LoggerFactory.getLogger(Partitions.class);
  private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
  static final String PREFIX = "executions_p";

  private final Db db;
  private final int daysAhead;
  private final Duration retention;

  Partitions(Db db, int daysAhead, Duration retention) {
    this.db = db;
    this.daysAhead = daysAhead;
    this.retention = retention;
  }

  /** What one maintenance pass did. */
  record Result(int created, int dropped) {}

  Result runOnce(Instant now) throws SQLException {
    int created = ensure(now);
    int dropped = dropExpired(now);
    return new Result(created, dropped);
  }

  /** Creates the partitions from yesterday to {@code daysAhead} days ahead; returns how many. */
  int ensure(Instant now) throws SQLException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<String> existing = existing();
    int created = 0;
    for (LocalDate day = today.minusDays(1);
        !day.isAfter(today.plusDays(daysAhead));
        day = day.plusDays(1)) {
      String name = PREFIX + SUFFIX.format(day);
      if (existing.contains(name)) {
        continue;
      }
      String sql =
          "CREATE TABLE IF NOT EXISTS %s PARTITION OF executions FOR VALUES FROM ('%s') TO ('%s')"
              .formatted(
                  name,
                  day.atStartOfDay(ZoneOffset.UTC),
                  day.plusDays(1).atStartOfDay(ZoneOffset.UTC));
      try {
        db.withConnection(
            c -> {
              try (Statement s = c.createStatement()) {
                s.execute(sql);
              }
              return null;
            });
        created++;
      } catch (SQLException e) {
        // Another node created it at the same moment.
        if (!"42P07".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
          throw e;
        }
      }
    }
    return created;
  }

  /** Drops the partitions whose whole day lies before the retention horizon. */
  int dropExpired(Instant now) throws SQLException {
    LocalDate horizon = LocalDate.ofInstant(now.minus(retention), ZoneOffset.UTC);
    int dropped = 0;
    for (String name : existing()) {
      LocalDate day;
      try {
        day = LocalDate.parse(name.substring(PREFIX.length()), SUFFIX);
      } catch (RuntimeException notOurs) {
        continue;
      }
      if (day.plusDays(1).isAfter(horizon)) {
        continue;
      }
      db.withConnection(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("DROP TABLE IF EXISTS " + name);
            }
            return null;
          });
      log.info("Dropped execution history partition {} (older than the retention)", name);
      dropped++;
    }
    return dropped;
  }

  List<String> existing() throws SQLException {
    return db.withConnection(
        c ->
            new ArrayList<>(
                Db.query(c, TaskQueries.PARTITION_LIST, Params.of(), rs -> rs.getString(1))));
  }

  static boolean isMissingPartition(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && "23514".equals(s.getSQLState())
          && String.valueOf(s.getMessage()).contains("no partition")) {
        return true;
      }
    }
    return false;
  }
}
