package eu.runlater.monitors;

import eu.runlater.engine.SqlTime;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** SQL of monitors, their pings, events and keys, and the row mapper. */
final class MonitorsQueries {
  private MonitorsQueries() {}

  static final String MONITOR_INSERT =
      """
      INSERT INTO monitors (id, organization_id, name, kind, tags, ping_token, slug, period_s,
        cron, time_zone, grace_s, max_runtime_s, url, method, headers, sealed_headers, body,
        expected_statuses, keyword, keyword_absent, max_response_ms, follow_redirects, interval_s,
        timeout_s, confirmations, tls_expiry_days, state, state_since, due_at, transition_at,
        badge_key, created_at, updated_at)
      VALUES (:id, :organization_id, :name, :kind, :tags, :ping_token, :slug, :period_s,
        :cron, :time_zone, :grace_s, :max_runtime_s, :url, :method, CAST(:headers AS jsonb),
        :sealed_headers, :body, :expected_statuses, :keyword, :keyword_absent, :max_response_ms,
        :follow_redirects, :interval_s, :timeout_s, :confirmations, :tls_expiry_days, 'new', :now,
        NULL, NULL, :badge_key, :now, :now)
      """;

  /** The definition; the state is the state machine's (and {@link MonitorTransitions}'). */
  static final String MONITOR_UPDATE =
      """
      UPDATE monitors SET name = :name, tags = :tags, slug = :slug, period_s = :period_s,
        cron = :cron, time_zone = :time_zone, grace_s = :grace_s, max_runtime_s = :max_runtime_s,
        url = :url, method = :method, headers = CAST(:headers AS jsonb),
        sealed_headers = :sealed_headers, body = :body, expected_statuses = :expected_statuses,
        keyword = :keyword, keyword_absent = :keyword_absent, max_response_ms = :max_response_ms,
        follow_redirects = :follow_redirects, interval_s = :interval_s, timeout_s = :timeout_s,
        confirmations = :confirmations, tls_expiry_days = :tls_expiry_days, updated_at = :now
      WHERE id = :id AND organization_id = :organization_id
      """;

  /** Where a heartbeat's clock stands: when the next ping is due and the sweep looks again. */
  static final String MONITOR_TIMES_SET =
      """
      UPDATE monitors SET due_at = :due_at, transition_at = :transition_at,
        running_since = :running_since
      WHERE id = :id
      """;

  /** A ping's mark on its monitor (the state itself goes through MonitorTransitions). */
  static final String MONITOR_PINGED =
      """
      UPDATE monitors SET last_ping_at = :at, last_ping_kind = :kind,
        last_duration_ms = COALESCE(:duration_ms, last_duration_ms), due_at = :due_at,
        transition_at = :transition_at, running_since = :running_since
      WHERE id = :id
      """;

  static final String MONITOR_GET =
      "SELECT * FROM monitors WHERE organization_id = :organization_id AND id = :id";

  static final String MONITOR_GET_FOR_UPDATE = MONITOR_GET + " FOR UPDATE";

  /** Newest first; keyset on the UUIDv7 id. */
  static final String MONITOR_LIST =
      """
      SELECT * FROM monitors
      WHERE organization_id = :organization_id
        AND (CAST(:cursor AS uuid) IS NULL OR id < CAST(:cursor AS uuid))
        AND (CAST(:kind AS text) IS NULL OR kind = CAST(:kind AS text))
        AND (CAST(:state AS text) IS NULL OR state = CAST(:state AS text))
        AND (CAST(:tag AS text) IS NULL OR CAST(:tag AS text) = ANY(tags))
        AND (CAST(:q AS text) IS NULL OR name ILIKE '%' || CAST(:q AS text) || '%')
      ORDER BY id DESC
      LIMIT :limit
      """;

  static final String MONITOR_COUNT =
      "SELECT count(*) FROM monitors WHERE organization_id = :organization_id";

  static final String MONITOR_DELETE =
      "DELETE FROM monitors WHERE organization_id = :organization_id AND id = :id";

  /** A ping's monitor, locked: pings of one monitor apply one after the other. */
  static final String MONITOR_BY_TOKEN_FOR_UPDATE =
      "SELECT * FROM monitors WHERE ping_token = :token AND kind = 'heartbeat' FOR UPDATE";

  static final String MONITOR_BY_SLUG_FOR_UPDATE =
      """
      SELECT m.* FROM monitors m JOIN monitor_keys k ON k.organization_id = m.organization_id
      WHERE k.ping_key = :ping_key AND m.slug = :slug AND m.kind = 'heartbeat'
      FOR UPDATE OF m
      """;

  static final String ORGANIZATION_BY_PING_KEY =
      "SELECT organization_id FROM monitor_keys WHERE ping_key = :ping_key";

  static final String ORGANIZATION_TIER = "SELECT tier FROM organizations WHERE id = :id";

  static final String PING_KEY_GET =
      "SELECT ping_key FROM monitor_keys WHERE organization_id = :organization_id";

  static final String PING_KEY_INSERT =
      """
      INSERT INTO monitor_keys (organization_id, ping_key, created_at)
      VALUES (:organization_id, :ping_key, :now)
      ON CONFLICT (organization_id) DO NOTHING
      """;

  static final String PING_INSERT =
      """
      INSERT INTO monitor_pings (id, monitor_id, received_at, kind, exit_code, method, source_ip,
        user_agent, body, body_truncated, duration_ms)
      VALUES (:id, :monitor_id, :received_at, :kind, :exit_code, :method, :source_ip, :user_agent,
        :body, :body_truncated, :duration_ms)
      """;

  static final String PING_LIST =
      """
      SELECT p.* FROM monitor_pings p JOIN monitors m ON m.id = p.monitor_id
      WHERE m.organization_id = :organization_id AND p.monitor_id = :monitor_id
        AND (CAST(:cursor AS uuid) IS NULL OR p.id < CAST(:cursor AS uuid))
      ORDER BY p.id DESC
      LIMIT :limit
      """;

  static final String EVENT_LIST =
      """
      SELECT e.* FROM monitor_events e JOIN monitors m ON m.id = e.monitor_id
      WHERE m.organization_id = :organization_id AND e.monitor_id = :monitor_id
        AND (CAST(:cursor AS uuid) IS NULL OR e.id < CAST(:cursor AS uuid))
      ORDER BY e.id DESC
      LIMIT :limit
      """;

  static final String CHECK_LIST =
      """
      SELECT c.* FROM monitor_checks c JOIN monitors m ON m.id = c.monitor_id
      WHERE m.organization_id = :organization_id AND c.monitor_id = :monitor_id
        AND (CAST(:before AS timestamptz) IS NULL OR c.checked_at < CAST(:before AS timestamptz))
      ORDER BY c.checked_at DESC
      LIMIT :limit
      """;

  /**
   * The sweep's batch: heartbeats whose time to be looked at has come, locked; another node's sweep
   * skips them rather than waiting ({@code SKIP LOCKED}), as does a ping in progress.
   */
  static final String SWEEP_DUE =
      """
      SELECT * FROM monitors
      WHERE transition_at <= :now AND kind = 'heartbeat'
      ORDER BY transition_at
      LIMIT :limit
      FOR UPDATE SKIP LOCKED
      """;

  /**
   * Whether the sweep has anything to look at: {@link #SWEEP_DUE}'s condition, asked without a
   * transaction or a lock, so an idle instance's pass is one statement (issue 18, target 8).
   */
  static final String SWEEP_ANY_DUE =
      """
      SELECT EXISTS (SELECT 1 FROM monitors WHERE transition_at <= :now AND kind = 'heartbeat')
      """;

  static final String MONITOR_BY_BADGE_KEY = "SELECT * FROM monitors WHERE badge_key = :key";

  static final String TAG_BADGE_BY_KEY =
      "SELECT organization_id, tag FROM monitor_tag_badges WHERE badge_key = :key";

  static final String MONITORS_BY_TAG =
      "SELECT * FROM monitors WHERE organization_id = :organization_id AND :tag = ANY(tags)";

  static final String TAGS_IN_USE =
      """
      SELECT DISTINCT unnest(tags) AS tag FROM monitors
      WHERE organization_id = :organization_id ORDER BY tag
      """;

  static final String TAG_BADGE_INSERT =
      """
      INSERT INTO monitor_tag_badges (badge_key, organization_id, tag)
      VALUES (:badge_key, :organization_id, :tag)
      ON CONFLICT (organization_id, tag) DO NOTHING
      """;

  static final String TAG_BADGES =
      """
      SELECT tag, badge_key FROM monitor_tag_badges
      WHERE organization_id = :organization_id AND tag = ANY(:tags)
      """;

  static final String MONITOR_NAMES =
      """
      SELECT id, name FROM monitors
      WHERE organization_id = :organization_id AND id = ANY(:ids)
      """;

  static final String MONITOR_STATUSES =
      """
      SELECT id, name, kind, state, state_since, state_reason FROM monitors
      WHERE organization_id = :organization_id AND id = ANY(:ids)
      """;

  static final String MONITOR_CREATED =
      """
      SELECT id, created_at FROM monitors
      WHERE organization_id = :organization_id AND id = ANY(:ids)
      """;

  static final String EVENT_CHANGES_BEFORE =
      """
      SELECT monitor_id, at, to_state FROM monitor_events
      WHERE monitor_id = ANY(:ids) AND at < :end
      ORDER BY monitor_id, at, id
      """;

  static Monitor monitor(ResultSet rs) throws SQLException {
    return new Monitor(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("name"),
        rs.getString("kind"),
        strings(rs.getArray("tags")),
        rs.getString("ping_token"),
        rs.getString("slug"),
        integer(rs, "period_s"),
        rs.getString("cron"),
        rs.getString("time_zone"),
        integer(rs, "grace_s"),
        integer(rs, "max_runtime_s"),
        rs.getString("url"),
        rs.getString("method"),
        rs.getString("headers"),
        rs.getBytes("sealed_headers"),
        rs.getString("body"),
        rs.getString("expected_statuses"),
        rs.getString("keyword"),
        rs.getBoolean("keyword_absent"),
        integer(rs, "max_response_ms"),
        rs.getBoolean("follow_redirects"),
        integer(rs, "interval_s"),
        integer(rs, "timeout_s"),
        rs.getInt("confirmations"),
        integer(rs, "tls_expiry_days"),
        rs.getString("state"),
        SqlTime.instant(rs, "state_since"),
        rs.getString("state_reason"),
        SqlTime.instant(rs, "running_since"),
        SqlTime.instant(rs, "last_ping_at"),
        rs.getString("last_ping_kind"),
        rs.getObject("last_duration_ms", Long.class),
        SqlTime.instant(rs, "due_at"),
        SqlTime.instant(rs, "transition_at"),
        rs.getInt("consecutive_failures"),
        SqlTime.instant(rs, "tls_expires_at"),
        rs.getString("badge_key"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"));
  }

  private static Integer integer(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, Integer.class);
  }

  static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
