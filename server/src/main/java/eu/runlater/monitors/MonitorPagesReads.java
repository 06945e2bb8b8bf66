package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorPagesQueries.CHECKS_BETWEEN;
import static eu.runlater.monitors.MonitorPagesQueries.EVENTS_RECENT;
import static eu.runlater.monitors.MonitorPagesQueries.EVENTS_SINCE;
import static eu.runlater.monitors.MonitorPagesQueries.MONITORS_COUNT_BY_STATE;
import static eu.runlater.monitors.MonitorPagesQueries.MONITORS_LIST;
import static eu.runlater.monitors.MonitorPagesQueries.MONITOR_GET;
import static eu.runlater.monitors.MonitorPagesQueries.MONITOR_PING_KEY;
import static eu.runlater.monitors.MonitorPagesQueries.PINGS_BETWEEN;
import static eu.runlater.monitors.MonitorPagesQueries.PINGS_PAGE;
import static eu.runlater.monitors.MonitorPagesQueries.UPTIME_SINCE;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.web.PageException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the monitors' pages show, read straight from the monitors' tables: the list, one monitor,
 * its pings, timeline and checks in a window, and the uptime of many at once ({@link CheckStats}
 * has one monitor's response times and uptime). Another organization's monitor is not found.
 */
@Component
class MonitorPagesReads {
  static final int LIST_LIMIT = 500;

  private final JdbcClient jdbc;

  MonitorPagesReads(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A monitor as its pages show it; the {@code lastCheck*} fields only in the list. */
  record Row(
      UUID id,
      String name,
      String kind,
      List<String> tags,
      String pingToken,
      String slug,
      Integer periodS,
      String cron,
      String timeZone,
      Integer graceS,
      Integer maxRuntimeS,
      String url,
      String method,
      String headers,
      String body,
      String expectedStatuses,
      String keyword,
      boolean keywordAbsent,
      Integer maxResponseMs,
      boolean followRedirects,
      Integer intervalS,
      Integer timeoutS,
      int confirmations,
      Integer tlsExpiryDays,
      String state,
      Instant stateSince,
      String stateReason,
      Instant runningSince,
      Instant lastPingAt,
      String lastPingKind,
      Long lastDurationMs,
      Instant dueAt,
      int consecutiveFailures,
      Instant tlsExpiresAt,
      String badgeKey,
      Instant createdAt,
      Instant updatedAt,
      Instant lastCheckAt,
      Boolean lastCheckOk,
      Integer lastCheckCode,
      Integer lastCheckMs) {

    public boolean heartbeat() {
      return "heartbeat".equals(kind);
    }

    public boolean paused() {
      return "paused".equals(state);
    }

    /** When it was last heard of: its last ping, or its last check. */
    public Instant lastSeen() {
      return heartbeat() ? lastPingAt : lastCheckAt;
    }
  }

  record Ping(
      UUID id,
      Instant receivedAt,
      String kind,
      Integer exitCode,
      String method,
      String sourceIp,
      String userAgent,
      String body,
      boolean bodyTruncated,
      Long durationMs) {

    /** success, start, fail, or "exit 3". */
    public String label() {
      return "exit".equals(kind) ? "exit " + exitCode : kind;
    }

    /** The state word its dot shows. */
    public String tone() {
      return switch (kind) {
        case "success" -> "succeeded";
        case "start" -> "running";
        case "fail" -> "failed";
        default -> exitCode != null && exitCode == 0 ? "succeeded" : "failed";
      };
    }
  }

  record Event(Instant at, String from, String to, String reason) {}

  record Check(
      Instant checkedAt,
      boolean ok,
      Integer statusCode,
      Integer durationMs,
      String reason,
      UUID executionId) {}

  /** Seconds up, late or down ({@code knownS}) and of those down, since a window's start. */
  record Uptime(double knownS, double downS) {
    /** 0..100, or null when nothing is known of the window. */
    public Double percent() {
      return knownS <= 0 ? null : 100.0 * (knownS - downS) / knownS;
    }
  }

  List<Row> list(UUID org, String q, String state) {
    return jdbc.sql(MONITORS_LIST)
        .param("org", org)
        .param("q", q == null ? "" : q.strip())
        .param("state", state == null ? "" : state)
        .param("limit", LIST_LIMIT)
        .query((rs, n) -> row(rs))
        .list();
  }

  Row get(UUID org, UUID id) {
    return jdbc.sql(MONITOR_GET)
        .param("org", org)
        .param("id", id)
        .query((rs, n) -> row(rs))
        .optional()
        .orElseThrow(() -> new PageException(HttpStatus.NOT_FOUND, "There is no such monitor."));
  }

  Map<String, Long> countByState(UUID org) {
    Map<String, Long> counts = new HashMap<>();
    jdbc.sql(MONITORS_COUNT_BY_STATE)
        .param("org", org)
        .query(
            (rs, n) -> {
              counts.put(rs.getString("state"), rs.getLong("n"));
              return null;
            })
        .list();
    return counts;
  }

  /** The organization's ping key for slug URLs, or null before it has one. */
  String pingKey(UUID org) {
    return jdbc.sql(MONITOR_PING_KEY).param("org", org).query(String.class).optional().orElse(null);
  }

  List<Ping> pings(UUID monitorId, Instant before, int limit) {
    return jdbc.sql(PINGS_PAGE)
        .param("id", monitorId)
        .param("before", before == null ? null : SqlTime.ts(before))
        .param("limit", limit)
        .query(
            (rs, n) -> {
              byte[] body = rs.getBytes("body");
              return new Ping(
                  rs.getObject("id", UUID.class),
                  SqlTime.instant(rs, "received_at"),
                  rs.getString("kind"),
                  (Integer) rs.getObject("exit_code"),
                  rs.getString("method"),
                  rs.getString("source_ip"),
                  rs.getString("user_agent"),
                  body == null || body.length == 0
                      ? null
                      : new String(body, StandardCharsets.UTF_8),
                  rs.getBoolean("body_truncated"),
                  (Long) rs.getObject("duration_ms"));
            })
        .list();
  }

  /** Pings received in [from, to), oldest first (kind, exit code and time only). */
  List<MonitorPagesStrip.Signal> pingsBetween(UUID monitorId, Instant from, Instant to, int limit) {
    return jdbc.sql(PINGS_BETWEEN)
        .param("id", monitorId)
        .param("from", SqlTime.ts(from))
        .param("to", SqlTime.ts(to))
        .param("limit", limit)
        .query(
            (rs, n) -> {
              String kind = rs.getString("kind");
              Integer code = (Integer) rs.getObject("exit_code");
              return new MonitorPagesStrip.Signal(
                  SqlTime.instant(rs, "received_at"),
                  switch (kind) {
                    case "start" -> MonitorPagesStrip.Signal.Kind.START;
                    case "success" -> MonitorPagesStrip.Signal.Kind.OK;
                    case "fail" -> MonitorPagesStrip.Signal.Kind.FAIL;
                    default ->
                        code != null && code == 0
                            ? MonitorPagesStrip.Signal.Kind.OK
                            : MonitorPagesStrip.Signal.Kind.FAIL;
                  },
                  "exit".equals(kind) ? "exit " + code : kind,
                  (Long) rs.getObject("duration_ms"));
            })
        .list();
  }

  List<Event> events(UUID monitorId, int limit) {
    return jdbc.sql(EVENTS_RECENT)
        .param("id", monitorId)
        .param("limit", limit)
        .query((rs, n) -> event(rs))
        .list();
  }

  /** The state changes since {@code from}, oldest first, with the last one before it. */
  List<Event> eventsSince(UUID monitorId, Instant from) {
    return jdbc.sql(EVENTS_SINCE)
        .param("id", monitorId)
        .param("from", SqlTime.ts(from))
        .query((rs, n) -> event(rs))
        .list();
  }

  List<Check> checksBetween(UUID monitorId, Instant from, Instant to, int limit) {
    return jdbc.sql(CHECKS_BETWEEN)
        .param("id", monitorId)
        .param("from", SqlTime.ts(from))
        .param("to", SqlTime.ts(to))
        .param("limit", limit)
        .query((rs, n) -> check(rs))
        .list();
  }

  /** Uptime since {@code now - window} of every monitor of the organization that has a figure. */
  Map<UUID, Uptime> uptime(UUID org, UUID onlyId, Instant now, Duration window) {
    Map<UUID, Uptime> out = new HashMap<>();
    jdbc.sql(UPTIME_SINCE)
        .param("org", org)
        .param("id", onlyId)
        .param("now", SqlTime.ts(now))
        .param("from", SqlTime.ts(now.minus(window)))
        .query(
            (rs, n) -> {
              out.put(
                  rs.getObject("monitor_id", UUID.class),
                  new Uptime(rs.getDouble("known_s"), rs.getDouble("down_s")));
              return null;
            })
        .list();
    return out;
  }

  private static Event event(ResultSet rs) throws SQLException {
    return new Event(
        SqlTime.instant(rs, "at"),
        rs.getString("from_state"),
        rs.getString("to_state"),
        rs.getString("reason"));
  }

  private static Check check(ResultSet rs) throws SQLException {
    return new Check(
        SqlTime.instant(rs, "checked_at"),
        rs.getBoolean("ok"),
        (Integer) rs.getObject("status_code"),
        (Integer) rs.getObject("duration_ms"),
        rs.getString("reason"),
        rs.getObject("execution_id", UUID.class));
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getString("kind"),
        tags(rs.getArray("tags")),
        rs.getString("ping_token"),
        rs.getString("slug"),
        (Integer) rs.getObject("period_s"),
        rs.getString("cron"),
        rs.getString("time_zone"),
        (Integer) rs.getObject("grace_s"),
        (Integer) rs.getObject("max_runtime_s"),
        rs.getString("url"),
        rs.getString("method"),
        rs.getString("headers"),
        rs.getString("body"),
        rs.getString("expected_statuses"),
        rs.getString("keyword"),
        rs.getBoolean("keyword_absent"),
        (Integer) rs.getObject("max_response_ms"),
        rs.getBoolean("follow_redirects"),
        (Integer) rs.getObject("interval_s"),
        (Integer) rs.getObject("timeout_s"),
        rs.getInt("confirmations"),
        (Integer) rs.getObject("tls_expiry_days"),
        rs.getString("state"),
        SqlTime.instant(rs, "state_since"),
        rs.getString("state_reason"),
        SqlTime.instant(rs, "running_since"),
        SqlTime.instant(rs, "last_ping_at"),
        rs.getString("last_ping_kind"),
        (Long) rs.getObject("last_duration_ms"),
        SqlTime.instant(rs, "due_at"),
        rs.getInt("consecutive_failures"),
        SqlTime.instant(rs, "tls_expires_at"),
        rs.getString("badge_key"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"),
        SqlTime.instant(rs, "last_check_at"),
        (Boolean) rs.getObject("last_check_ok"),
        (Integer) rs.getObject("last_check_code"),
        (Integer) rs.getObject("last_check_ms"));
  }

  private static List<String> tags(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object o : (Object[]) array.getArray()) {
      out.add((String) o);
    }
    return out;
  }
}
