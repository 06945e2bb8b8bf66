package eu.runlater.hosts;

/**
 * SQL over the engine's {@code host_states}, seen from one organization. The engine keeps one row
 * per organization and target origin ({@code https://api.example.com:443}), so every statement
 * names the organization: a tenant sees only its own state, never another's, even for a host both
 * target.
 */
final class HostsQueries {
  private HostsQueries() {}

  static final String HOST_LIST_TROUBLED =
      """
      SELECT host, throttled_until, consecutive_failures, circuit, opened_at, reopen_at,
             last_error, updated_at
      FROM host_states
      WHERE organization_id = :organization_id AND (throttled_until > :now OR circuit = 'open')
      ORDER BY host
      """;

  // Of the origins asked for (one per scheme), the one in trouble, https before http.
  static final String HOST_GET =
      """
      SELECT host, throttled_until, consecutive_failures, circuit, opened_at, reopen_at,
             last_error, updated_at
      FROM host_states
      WHERE organization_id = :organization_id AND host IN (:hosts)
      ORDER BY (circuit = 'open' OR throttled_until > :now) DESC NULLS LAST,
               starts_with(host, 'https://') DESC
      LIMIT 1
      """;

  // Whether the organization's waiting tasks target the origin (tasks_host_idx).
  static final String HOST_TARGETED =
      """
      SELECT EXISTS (SELECT 1 FROM tasks t
                     WHERE t.organization_id = :organization_id AND t.target_host = :host
                       AND t.state <> 'running')
      """;

  // The organization's targets in trouble, and its running count against its cap (one read per
  // page: Holds.forOrganization).
  static final String HOST_HOLDS =
      """
      SELECT host, throttled_until, circuit, opened_at, reopen_at, last_error, updated_at
      FROM host_states
      WHERE organization_id = :organization_id AND (throttled_until > :now OR circuit = 'open')
      """;

  static final String ORGANIZATION_CAP_USE =
      """
      SELECT (SELECT max_running FROM organization_caps WHERE organization_id = :organization_id)
               AS max_running,
             (SELECT count(*) FROM tasks
              WHERE organization_id = :organization_id AND state = 'running') AS running
      """;

  // Deliveries of the organization that wait for each of the targets (tasks_host_idx).
  static final String HOST_WAITING_COUNTS =
      """
      SELECT target_host, count(*) AS waiting FROM tasks
      WHERE organization_id = :organization_id AND target_host IN (:hosts)
        AND state <> 'running'
      GROUP BY target_host
      """;

  // The organization's latest attempts to one target: executions carry no target column, so the
  // newest :scan of the window (executions_organization_idx) are filtered by the URL's origin
  // (the caller checks each against the engine's key).
  static final String HOST_RECENT_EXECUTIONS =
      """
      SELECT id, created_at, status, status_code, attempt, source_kind, request_method,
             request_url, held_by
      FROM (SELECT id, created_at, status, status_code, attempt, source_kind, request_method,
                   request_url, held_by
            FROM executions
            WHERE organization_id = :organization_id AND created_at > :since
            ORDER BY created_at DESC
            LIMIT :scan) recent
      WHERE request_url ~* :pattern
      ORDER BY created_at DESC
      LIMIT :limit
      """;
}
