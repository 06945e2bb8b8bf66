package eu.runlater.hosts;

/** SQL over the engine's {@code host_states}, seen from one organization. */
final class HostsQueries {
  private HostsQueries() {}

  // Only hosts the organization's waiting tasks target (tasks_host_idx), so one tenant never
  // learns another's targets.
  static final String HOST_LIST_TROUBLED =
      """
      SELECT h.host, h.throttled_until, h.consecutive_failures, h.circuit, h.opened_at,
             h.reopen_at
      FROM host_states h
      WHERE (h.throttled_until > :now OR h.circuit = 'open')
        AND EXISTS (SELECT 1 FROM tasks t
                    WHERE t.target_host = h.host AND t.state <> 'running'
                      AND t.organization_id = :organization_id)
      ORDER BY h.host
      """;

  static final String HOST_TARGETED =
      """
      SELECT EXISTS (SELECT 1 FROM tasks t
                     WHERE t.target_host = :host AND t.state <> 'running'
                       AND t.organization_id = :organization_id)
      """;

  static final String HOST_GET =
      """
      SELECT host, throttled_until, consecutive_failures, circuit, opened_at, reopen_at
      FROM host_states WHERE host = :host
      """;
}
