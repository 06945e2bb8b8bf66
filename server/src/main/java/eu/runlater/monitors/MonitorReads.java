package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorsQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.errors.ApiProblem;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads of monitors, their pings, timeline and checks (for the API and the pages). */
@Component
class MonitorReads {
  private final JdbcClient jdbc;
  private final java.time.InstantSource clock;

  MonitorReads(JdbcClient jdbc, java.time.InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** List filters; null: any. */
  record Filter(String kind, String state, String tag, String q) {
    static final Filter ALL = new Filter(null, null, null, null);
  }

  /** A ping as logged. */
  record Ping(
      UUID id,
      Instant receivedAt,
      String kind,
      Integer exitCode,
      String method,
      String sourceIp,
      String userAgent,
      byte[] body,
      boolean bodyTruncated,
      Long durationMs) {}

  /** A change of state on the timeline. */
  record Event(UUID id, Instant at, String fromState, String toState, String reason) {}

  /** One uptime check's result. */
  record Check(
      Instant checkedAt,
      boolean ok,
      Integer statusCode,
      Integer durationMs,
      String reason,
      UUID executionId) {}

  Monitor get(UUID organizationId, UUID id) {
    return find(organizationId, id).orElseThrow(() -> ApiProblem.notFound("monitor", id));
  }

  java.util.Optional<Monitor> find(UUID organizationId, UUID id) {
    return jdbc.sql(MONITOR_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> MonitorsQueries.monitor(rs))
        .optional();
  }

  /** Up to {@code limit} monitors past {@code cursor}, newest first. */
  List<Monitor> list(UUID organizationId, Filter filter, UUID cursor, int limit) {
    return jdbc.sql(MONITOR_LIST)
        .param("organization_id", organizationId)
        .param("cursor", cursor)
        .param("kind", filter.kind())
        .param("state", filter.state())
        .param("tag", filter.tag())
        .param("q", filter.q())
        .param("limit", limit)
        .query((rs, n) -> MonitorsQueries.monitor(rs))
        .list();
  }

  long count(UUID organizationId) {
    return jdbc.sql(MONITOR_COUNT)
        .param("organization_id", organizationId)
        .query(Long.class)
        .single();
  }

  List<Ping> pings(UUID organizationId, UUID monitorId, UUID cursor, int limit) {
    return jdbc.sql(PING_LIST)
        .param("organization_id", organizationId)
        .param("monitor_id", monitorId)
        .param("cursor", cursor)
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Ping(
                    rs.getObject("id", UUID.class),
                    SqlTime.instant(rs, "received_at"),
                    rs.getString("kind"),
                    rs.getObject("exit_code", Integer.class),
                    rs.getString("method"),
                    rs.getString("source_ip"),
                    rs.getString("user_agent"),
                    rs.getBytes("body"),
                    rs.getBoolean("body_truncated"),
                    rs.getObject("duration_ms", Long.class)))
        .list();
  }

  List<Event> events(UUID organizationId, UUID monitorId, UUID cursor, int limit) {
    return jdbc.sql(EVENT_LIST)
        .param("organization_id", organizationId)
        .param("monitor_id", monitorId)
        .param("cursor", cursor)
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Event(
                    rs.getObject("id", UUID.class),
                    SqlTime.instant(rs, "at"),
                    rs.getString("from_state"),
                    rs.getString("to_state"),
                    rs.getString("reason")))
        .list();
  }

  /** Checks before {@code before} (null: the latest), newest first. */
  List<Check> checks(UUID organizationId, UUID monitorId, Instant before, int limit) {
    return jdbc.sql(CHECK_LIST)
        .param("organization_id", organizationId)
        .param("monitor_id", monitorId)
        .param("before", SqlTime.ts(before))
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Check(
                    SqlTime.instant(rs, "checked_at"),
                    rs.getBoolean("ok"),
                    rs.getObject("status_code", Integer.class),
                    rs.getObject("duration_ms", Integer.class),
                    rs.getString("reason"),
                    rs.getObject("execution_id", UUID.class)))
        .list();
  }

  Tier tier(UUID organizationId) {
    return Tier.of(
        jdbc.sql(ORGANIZATION_TIER).param("id", organizationId).query(String.class).single());
  }

  /** The organization's ping key (for {@code /ping/<key>/<slug>}), made on first use. */
  String pingKey(UUID organizationId) {
    var key =
        jdbc.sql(PING_KEY_GET)
            .param("organization_id", organizationId)
            .query(String.class)
            .optional();
    if (key.isPresent()) {
      return key.get();
    }
    jdbc.sql(PING_KEY_INSERT)
        .param("organization_id", organizationId)
        .param("ping_key", Tokens.next())
        .param("now", SqlTime.ts(clock.instant()))
        .update();
    return jdbc.sql(PING_KEY_GET)
        .param("organization_id", organizationId)
        .query(String.class)
        .single();
  }

  /** Tags of the organization's monitors with their badge keys, made on first use. */
  java.util.Map<String, String> tagBadges(UUID organizationId) {
    List<String> tags =
        jdbc.sql(TAGS_IN_USE).param("organization_id", organizationId).query(String.class).list();
    for (String tag : tags) {
      jdbc.sql(TAG_BADGE_INSERT)
          .param("badge_key", Tokens.next())
          .param("organization_id", organizationId)
          .param("tag", tag)
          .update();
    }
    java.util.Map<String, String> keys = new java.util.TreeMap<>();
    jdbc.sql(TAG_BADGES)
        .param("organization_id", organizationId)
        .param("tags", new org.springframework.jdbc.support.SqlArrayValue("text", tags.toArray()))
        .query(
            rs -> {
              keys.put(rs.getString("tag"), rs.getString("badge_key"));
            });
    return keys;
  }
}
