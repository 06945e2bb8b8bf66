package eu.runlater.monitors;

/**
 * SQL of the monitors' pages ({@link MonitorPagesReads}): reads only, each scoped to the viewer's
 * organization through {@code monitors.organization_id}.
 */
final class MonitorPagesQueries {
  private MonitorPagesQueries() {}

  static final String MONITOR_COLUMNS =
      """
      m.id, m.name, m.kind, m.tags, m.ping_token, m.slug, m.period_s, m.cron, m.time_zone,
      m.grace_s, m.max_runtime_s, m.url, m.method, m.headers::text AS headers, m.body,
      m.expected_statuses, m.keyword, m.keyword_absent, m.max_response_ms, m.follow_redirects,
      m.interval_s, m.timeout_s, m.confirmations, m.tls_expiry_days, m.state, m.state_since,
      m.state_reason, m.running_since, m.last_ping_at, m.last_ping_kind, m.last_duration_ms,
      m.due_at, m.consecutive_failures, m.tls_expires_at, m.badge_key, m.created_at, m.updated_at
      """;

  /**
   * The organization's monitors for the list, filtered by a name/tag/URL search and a state, with
   * the last check of each uptime monitor. Down first, then late, then by name.
   */
  static final String MONITORS_LIST =
      "SELECT "
          + MONITOR_COLUMNS
          + """
          , c.checked_at AS last_check_at, c.ok AS last_check_ok, c.status_code AS last_check_code,
            c.duration_ms AS last_check_ms
          FROM monitors m
          LEFT JOIN LATERAL (
            SELECT checked_at, ok, status_code, duration_ms FROM monitor_checks
            WHERE monitor_id = m.id ORDER BY checked_at DESC LIMIT 1) c ON true
          WHERE m.organization_id = :org
            AND (:q = '' OR m.name ILIKE '%' || :q || '%' OR m.url ILIKE '%' || :q || '%'
                 OR :q = ANY (m.tags) OR m.slug = :q)
            AND (:state = '' OR m.state = :state)
          ORDER BY CASE m.state WHEN 'down' THEN 0 WHEN 'late' THEN 1 ELSE 2 END, lower(m.name), m.id
          LIMIT :limit
          """;

  static final String MONITOR_GET =
      "SELECT "
          + MONITOR_COLUMNS
          + """
          , NULL::timestamptz AS last_check_at, NULL::boolean AS last_check_ok,
            NULL::int AS last_check_code, NULL::int AS last_check_ms
          FROM monitors m WHERE m.organization_id = :org AND m.id = :id
          """;

  static final String MONITORS_COUNT_BY_STATE =
      "SELECT state, count(*) AS n FROM monitors WHERE organization_id = :org GROUP BY state";

  static final String MONITOR_PING_KEY =
      "SELECT ping_key FROM monitor_keys WHERE organization_id = :org";

  /** A page of pings, newest first; {@code before} is the received_at of the last one shown. */
  static final String PINGS_PAGE =
      """
      SELECT id, received_at, kind, exit_code, method, source_ip, user_agent, body, body_truncated,
             duration_ms
      FROM monitor_pings
      WHERE monitor_id = :id AND (CAST(:before AS timestamptz) IS NULL OR received_at < :before)
      ORDER BY received_at DESC, id DESC
      LIMIT :limit
      """;

  /** Pings in a window, oldest first, for the planned-vs-actual strip. */
  static final String PINGS_BETWEEN =
      """
      SELECT received_at, kind, exit_code, duration_ms FROM monitor_pings
      WHERE monitor_id = :id AND received_at >= :from AND received_at < :to
      ORDER BY received_at, id
      LIMIT :limit
      """;

  static final String EVENTS_RECENT =
      """
      SELECT at, from_state, to_state, reason FROM monitor_events
      WHERE monitor_id = :id ORDER BY at DESC, id DESC LIMIT :limit
      """;

  /** The state changes from the last one before {@code from} on, oldest first. */
  static final String EVENTS_SINCE =
      """
      (SELECT at, from_state, to_state, reason, id FROM monitor_events
       WHERE monitor_id = :id AND at < :from ORDER BY at DESC, id DESC LIMIT 1)
      UNION ALL
      (SELECT at, from_state, to_state, reason, id FROM monitor_events
       WHERE monitor_id = :id AND at >= :from ORDER BY at, id LIMIT 5000)
      ORDER BY at, id
      """;

  static final String CHECKS_BETWEEN =
      """
      SELECT checked_at, ok, status_code, duration_ms, reason, execution_id FROM monitor_checks
      WHERE monitor_id = :id AND checked_at >= :from AND checked_at < :to
      ORDER BY checked_at LIMIT :limit
      """;

  /**
   * Seconds known (up, late or down) and seconds down since {@code from}, per monitor of the
   * organization, from the timeline: each event's state lasts until the next event (or now). Time
   * new or paused is not counted either way.
   */
  static final String UPTIME_SINCE =
      """
      WITH spans AS (
        SELECT e.monitor_id, e.to_state AS state, e.at AS start_at,
               COALESCE(lead(e.at) OVER (PARTITION BY e.monitor_id ORDER BY e.at, e.id),
                        CAST(:now AS timestamptz)) AS end_at
        FROM monitor_events e JOIN monitors m ON m.id = e.monitor_id
        WHERE m.organization_id = :org AND (CAST(:id AS uuid) IS NULL OR m.id = :id)
      )
      SELECT monitor_id,
             coalesce(sum(extract(epoch FROM least(end_at, :now) - greatest(start_at, :from)))
                      FILTER (WHERE state IN ('up', 'late', 'down')), 0) AS known_s,
             coalesce(sum(extract(epoch FROM least(end_at, :now) - greatest(start_at, :from)))
                      FILTER (WHERE state = 'down'), 0) AS down_s
      FROM spans
      WHERE end_at > :from AND start_at < :now
      GROUP BY monitor_id
      """;
}
