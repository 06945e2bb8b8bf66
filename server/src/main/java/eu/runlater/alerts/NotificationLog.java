package eu.runlater.alerts;

import static eu.runlater.alerts.NotificationsQueries.*;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The notification log: what was sent, to which channel, when, and every attempt's answer. */
@Service
class NotificationLog {
  /** How much of a target's answer an attempt shows. */
  static final int ANSWER = 2_000;

  private final JdbcClient jdbc;

  NotificationLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * One message and how its delivery went.
   *
   * @param status {@code pending}, {@code retrying}, {@code delivered} or {@code failed} (retries
   *     ran out)
   */
  record Notification(
      UUID id,
      UUID channelId,
      String channelName,
      String channelKind,
      String kind,
      String headline,
      String text,
      List<UUID> incidentIds,
      Instant createdAt,
      String status,
      Integer lastStatusCode,
      String lastError,
      int attempts) {}

  /** One attempt, from the engine's history. */
  record Attempt(
      UUID executionId,
      int attempt,
      String status,
      Integer statusCode,
      String error,
      String response,
      Instant startedAt,
      Long durationMs) {}

  /**
   * Filters; null is any.
   *
   * @param status as in {@link Notification#status()}
   */
  record Filter(UUID channelId, String kind, String status, UUID incidentId) {}

  /** Newest first; {@code before} is the cursor (the last id of the previous page), or null. */
  List<Notification> list(UUID organizationId, Filter filter, UUID before, int limit) {
    return jdbc.sql(NOTIFICATION_LIST)
        .param("organization_id", organizationId)
        .param("channel_id", filter.channelId())
        .param("kind", filter.kind())
        .param("status", filter.status())
        .param("incident_id", filter.incidentId())
        .param("before", before)
        .param("limit", limit)
        .query((rs, n) -> notification(rs))
        .list();
  }

  Optional<Notification> find(UUID organizationId, UUID id) {
    return jdbc.sql(NOTIFICATION_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> notification(rs))
        .optional();
  }

  List<Attempt> attempts(UUID organizationId, UUID id) {
    return jdbc.sql(NOTIFICATION_ATTEMPTS)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(
            (rs, n) -> {
              byte[] body = rs.getBytes("response_body");
              Timestamp started = rs.getTimestamp("started_at");
              long us = rs.getLong("duration_us");
              Long durationMs = rs.wasNull() ? null : us / 1_000;
              return new Attempt(
                  rs.getObject("id", UUID.class),
                  rs.getInt("attempt"),
                  rs.getString("status"),
                  (Integer) rs.getObject("status_code"),
                  rs.getString("error"),
                  body == null
                      ? null
                      : AlertTexts.cut(new String(body, StandardCharsets.UTF_8), ANSWER),
                  (started == null ? rs.getTimestamp("created_at") : started).toInstant(),
                  durationMs);
            })
        .list();
  }

  /** Notifications whose retries ran out since {@code since}, newest first (Home's attention). */
  List<Notification> failedSince(UUID organizationId, Instant since, int limit) {
    return jdbc.sql(NOTIFICATION_FAILED_SINCE)
        .param("organization_id", organizationId)
        .param("since", Timestamp.from(since))
        .param("limit", limit)
        .query((rs, n) -> notification(rs))
        .list();
  }

  private static Notification notification(ResultSet rs) throws SQLException {
    return new Notification(
        rs.getObject("id", UUID.class),
        rs.getObject("channel_id", UUID.class),
        rs.getString("channel_name"),
        rs.getString("channel_kind"),
        rs.getString("kind"),
        rs.getString("headline"),
        rs.getString("text"),
        List.of((UUID[]) rs.getArray("incident_ids").getArray()),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("status"),
        (Integer) rs.getObject("status_code"),
        rs.getString("error"),
        rs.getInt("attempts"));
  }
}
