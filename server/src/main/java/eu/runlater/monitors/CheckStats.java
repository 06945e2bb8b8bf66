package eu.runlater.monitors;

import static eu.runlater.monitors.CheckQueries.CHECKS_RECENT;
import static eu.runlater.monitors.CheckQueries.CHECK_PERCENTILES_HOURLY;
import static eu.runlater.monitors.CheckQueries.EVENTS_SINCE;

import eu.runlater.engine.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * An uptime monitor's figures for its page and the API: response time p50/p95 per hour, uptime over
 * 24 h, 7 d, 30 d and 90 d (from the timeline: the share of the known time it was not down; new and
 * paused time is not known), and its recent checks. Callers have checked that the monitor is the
 * viewer's.
 */
@Component
class CheckStats {
  /** The uptime windows, in the order pages show them. */
  static final Map<String, Duration> WINDOWS = windows();

  private final JdbcClient jdbc;

  CheckStats(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * @param p50Ms median response time of the hour's checks
   * @param p95Ms 95th percentile
   */
  record Hour(Instant hour, double p50Ms, double p95Ms, long checks, long failed) {}

  record Check(
      Instant checkedAt,
      boolean ok,
      Integer statusCode,
      Integer durationMs,
      String reason,
      UUID executionId) {}

  /** Response times per hour since {@code since}, oldest first (hours with checks only). */
  List<Hour> hourly(UUID monitorId, Instant since) {
    return jdbc.sql(CHECK_PERCENTILES_HOURLY)
        .param("monitor_id", monitorId)
        .param("since", SqlTime.ts(since))
        .query(
            (rs, n) ->
                new Hour(
                    SqlTime.instant(rs, "hour"),
                    rs.getDouble("p50"),
                    rs.getDouble("p95"),
                    rs.getLong("checks"),
                    rs.getLong("failed")))
        .list();
  }

  /** The newest {@code limit} checks, newest first. */
  List<Check> recent(UUID monitorId, int limit) {
    return jdbc.sql(CHECKS_RECENT)
        .param("monitor_id", monitorId)
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Check(
                    SqlTime.instant(rs, "checked_at"),
                    rs.getBoolean("ok"),
                    (Integer) rs.getObject("status_code"),
                    (Integer) rs.getObject("duration_ms"),
                    rs.getString("reason"),
                    rs.getObject("execution_id", UUID.class)))
        .list();
  }

  /**
   * Uptime per window ({@code 24h}, {@code 7d}, {@code 30d}, {@code 90d}) as a percentage, null
   * when nothing is known of the window. One read of the 90-day timeline.
   */
  Map<String, Double> uptime(UUID monitorId, Instant now) {
    Instant longest = now.minus(Duration.ofDays(90));
    List<Change> changes =
        jdbc.sql(EVENTS_SINCE)
            .param("monitor_id", monitorId)
            .param("since", SqlTime.ts(longest))
            .query((rs, n) -> new Change(SqlTime.instant(rs, "at"), rs.getString("to_state")))
            .list();
    Map<String, Double> out = new LinkedHashMap<>();
    WINDOWS.forEach((name, length) -> out.put(name, uptime(changes, now.minus(length), now)));
    return out;
  }

  record Change(Instant at, String state) {}

  /** The share of [from, to) not down among the time up, late or down, in percent; or null. */
  static Double uptime(List<Change> changes, Instant from, Instant to) {
    long up = 0;
    long down = 0;
    List<Change> sorted = new ArrayList<>(changes);
    for (int i = 0; i < sorted.size(); i++) {
      Change c = sorted.get(i);
      Instant start = c.at().isBefore(from) ? from : c.at();
      Instant end = i + 1 < sorted.size() ? sorted.get(i + 1).at() : to;
      if (end.isAfter(to)) {
        end = to;
      }
      if (!end.isAfter(start)) {
        continue;
      }
      long ms = Duration.between(start, end).toMillis();
      switch (c.state()) {
        case MonitorTransitions.DOWN -> down += ms;
        case MonitorTransitions.UP, MonitorTransitions.LATE -> up += ms;
        default -> {}
      }
    }
    if (up + down == 0) {
      return null;
    }
    return 100.0 * up / (up + down);
  }

  private static Map<String, Duration> windows() {
    Map<String, Duration> w = new LinkedHashMap<>();
    w.put("24h", Duration.ofHours(24));
    w.put("7d", Duration.ofDays(7));
    w.put("30d", Duration.ofDays(30));
    w.put("90d", Duration.ofDays(90));
    return java.util.Collections.unmodifiableMap(w);
  }
}
