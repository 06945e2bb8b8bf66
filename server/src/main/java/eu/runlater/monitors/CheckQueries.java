package eu.runlater.monitors;

/** SQL of uptime checks: their monitors' rows, their results, and the sweep. */
final class CheckQueries {
  private CheckQueries() {}

  /** What a check task is made from; locks the row so a check and an edit do not cross. */
  static final String MONITOR_FOR_CHECK =
      """
      SELECT m.id, m.organization_id, m.name, m.kind, m.state, m.url, m.method, m.headers::text,
             m.sealed_headers, m.body, m.expected_statuses, m.keyword, m.keyword_absent,
             m.max_response_ms, m.follow_redirects, m.interval_s, m.timeout_s, m.confirmations,
             m.consecutive_failures, m.due_at, m.tls_expiry_days, m.tls_expires_at,
             o.tier
      FROM monitors m JOIN organizations o ON o.id = m.organization_id
      WHERE m.id = :id
      FOR NO KEY UPDATE OF m
      """;

  /** A monitor's name, for the history ("Check of <name>"). */
  static final String MONITOR_NAME =
      """
      SELECT id, name FROM monitors WHERE organization_id = :org AND id = :id
      """;

  static final String MONITOR_DUE_SET =
      """
      UPDATE monitors SET due_at = :due_at WHERE id = :id
      """;

  /** After a check: its counters and certificate expiry, and when the next one runs. */
  static final String MONITOR_CHECKED =
      """
      UPDATE monitors
      SET consecutive_failures = :failures, tls_expires_at = :tls_expires_at, due_at = :due_at,
          last_duration_ms = :duration_ms
      WHERE id = :id
      """;

  static final String CHECK_INSERT =
      """
      INSERT INTO monitor_checks
          (monitor_id, checked_at, ok, status_code, duration_ms, reason, execution_id)
      VALUES (:monitor_id, :checked_at, :ok, :status_code, :duration_ms, :reason, :execution_id)
      ON CONFLICT (monitor_id, checked_at) DO NOTHING
      """;

  /**
   * Active uptime monitors with no check task, waiting or running (a lost one: a bug, a restore, a
   * task removed by hand). Skips rows a command holds; the next pass sees them.
   */
  static final String MONITORS_WITHOUT_CHECK =
      """
      SELECT m.id, m.due_at FROM monitors m
      WHERE m.kind IN ('http', 'tcp') AND m.state <> 'paused'
        AND NOT EXISTS (SELECT 1 FROM tasks t
                        WHERE t.source_id = m.id AND t.source_kind = 'monitor')
      ORDER BY m.id
      LIMIT :limit
      FOR NO KEY UPDATE OF m SKIP LOCKED
      """;

  /** Checks with a response time, per hour, for the response-time chart. */
  static final String CHECK_PERCENTILES_HOURLY =
      """
      SELECT date_trunc('hour', checked_at) AS hour,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
             count(*) AS checks, count(*) FILTER (WHERE NOT ok) AS failed
      FROM monitor_checks
      WHERE monitor_id = :monitor_id AND checked_at >= :since AND duration_ms IS NOT NULL
      GROUP BY 1 ORDER BY 1
      """;

  static final String CHECKS_RECENT =
      """
      SELECT checked_at, ok, status_code, duration_ms, reason, execution_id
      FROM monitor_checks
      WHERE monitor_id = :monitor_id
      ORDER BY checked_at DESC
      LIMIT :limit
      """;

  /** The timeline from just before {@code since} on: the state at {@code since} and each change. */
  static final String EVENTS_SINCE =
      """
      (SELECT at, to_state FROM monitor_events
       WHERE monitor_id = :monitor_id AND at < :since ORDER BY at DESC LIMIT 1)
      UNION ALL
      (SELECT at, to_state FROM monitor_events
       WHERE monitor_id = :monitor_id AND at >= :since ORDER BY at)
      ORDER BY at
      """;
}
