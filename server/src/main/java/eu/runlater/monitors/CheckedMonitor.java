package eu.runlater.monitors;

import eu.runlater.engine.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/** An uptime monitor as its checks see it (row of {@link CheckQueries#MONITOR_FOR_CHECK}). */
record CheckedMonitor(
    UUID id,
    UUID organizationId,
    String name,
    String kind,
    String state,
    String url,
    String method,
    String headersJson,
    byte[] sealedHeaders,
    String body,
    String expectedStatuses,
    String keyword,
    boolean keywordAbsent,
    Integer maxResponseMs,
    boolean followRedirects,
    int intervalS,
    int timeoutS,
    int confirmations,
    int consecutiveFailures,
    Instant dueAt,
    Integer tlsExpiryDays,
    Instant tlsExpiresAt,
    String tier) {

  boolean uptime() {
    return ("http".equals(kind) || "tcp".equals(kind)) && url != null && intervalS > 0;
  }

  static CheckedMonitor read(ResultSet rs) throws SQLException {
    return new CheckedMonitor(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("name"),
        rs.getString("kind"),
        rs.getString("state"),
        rs.getString("url"),
        rs.getString("method"),
        rs.getString("headers"),
        rs.getBytes("sealed_headers"),
        rs.getString("body"),
        rs.getString("expected_statuses"),
        rs.getString("keyword"),
        rs.getBoolean("keyword_absent"),
        (Integer) rs.getObject("max_response_ms"),
        rs.getBoolean("follow_redirects"),
        rs.getInt("interval_s"),
        rs.getInt("timeout_s"),
        rs.getInt("confirmations"),
        rs.getInt("consecutive_failures"),
        SqlTime.instant(rs, "due_at"),
        (Integer) rs.getObject("tls_expiry_days"),
        SqlTime.instant(rs, "tls_expires_at"),
        rs.getString("tier"));
  }
}
