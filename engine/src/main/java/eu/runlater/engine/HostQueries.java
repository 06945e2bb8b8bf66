package eu.runlater.engine;

/**
 * SQL for {@code host_states} and the tasks it holds back, named noun-first. A target is one
 * organization's origin, {@code (organization_id, host)}: every statement names both, so one
 * organization's throttle or circuit never touches another's tasks.
 */
final class HostQueries {
  private HostQueries() {}

  // Locked in the order the completer walks them (HostGuard.Target): uuid, then the host's bytes.
  static final String HOST_STATE_GET_MANY =
      """
      SELECT organization_id, host, throttled_until, consecutive_failures, circuit, reopen_at,
             open_count, probe_task_id
      FROM host_states
      WHERE (organization_id, host) IN (SELECT * FROM unnest(:orgs::uuid[], :hosts::text[]))
      ORDER BY organization_id, host COLLATE "C"
      FOR UPDATE
      """;

  static final String HOST_STATE_UPSERT =
      """
      INSERT INTO host_states (organization_id, host, throttled_until, consecutive_failures,
                               circuit, opened_at, reopen_at, open_count, probe_task_id,
                               last_error, updated_at)
      VALUES (:org, :host, :throttled_until, :failures, :circuit, :opened_at, :reopen_at,
              :open_count, :probe, :last_error, :now)
      ON CONFLICT (organization_id, host) DO UPDATE
      SET throttled_until = greatest(host_states.throttled_until, excluded.throttled_until),
          consecutive_failures = excluded.consecutive_failures,
          circuit = excluded.circuit,
          opened_at = CASE WHEN excluded.circuit = 'open'
                           THEN coalesce(excluded.opened_at, host_states.opened_at) END,
          reopen_at = excluded.reopen_at,
          open_count = excluded.open_count,
          probe_task_id = excluded.probe_task_id,
          last_error = coalesce(excluded.last_error, host_states.last_error),
          updated_at = excluded.updated_at
      """;

  static final String HOST_STATE_DELETE =
      "DELETE FROM host_states WHERE organization_id = :org AND host = :host";

  // Throttle: whatever waits for the target is due no earlier than the throttle (tasks_host_idx).
  static final String TASK_PUSH_BACK_HOST =
      """
      UPDATE tasks SET run_at = :until
      WHERE organization_id = :org AND target_host = :host AND state = 'ready'
        AND run_at < :until
      """;

  // Circuit open: what waits for the target leaves the ready index, except the probe.
  static final String TASK_HOLD_HOST =
      """
      UPDATE tasks SET state = 'held'
      WHERE organization_id = :org AND target_host = :host AND state = 'ready'
        AND id IS DISTINCT FROM :probe
      """;

  // The probe: the earliest held task goes back to ready, due when the circuit's period ends.
  static final String TASK_RELEASE_PROBE =
      """
      UPDATE tasks SET state = 'ready', run_at = greatest(run_at, :reopen_at)
      WHERE id = (SELECT id FROM tasks
                  WHERE organization_id = :org AND target_host = :host AND state = 'held'
                  ORDER BY run_at, id LIMIT 1
                  FOR UPDATE SKIP LOCKED)
      RETURNING id
      """;

  static final String TASK_PROBE_WAITING =
      "SELECT count(*) FROM tasks WHERE id = :probe AND state <> 'held'";

  static final String HOST_STATE_SET_PROBE =
      """
      UPDATE host_states SET probe_task_id = :probe
      WHERE organization_id = :org AND host = :host
      """;

  // Circuit closed: everything held goes back to ready with its own due time and attempts.
  static final String TASK_RELEASE_HOST =
      """
      UPDATE tasks SET state = 'ready'
      WHERE organization_id = :org AND target_host = :host AND state = 'held'
      RETURNING run_at
      """;

  static final String HOST_STATE_OPEN_LIST =
      """
      SELECT organization_id, host, reopen_at, probe_task_id FROM host_states
      WHERE circuit = 'open'
      ORDER BY organization_id, host COLLATE "C"
      FOR UPDATE SKIP LOCKED
      """;

  // The leader's repair for a throttle that raced an insert or a rescue.
  static final String TASK_PUSH_BACK_THROTTLED =
      """
      UPDATE tasks t SET run_at = h.throttled_until
      FROM host_states h
      WHERE h.throttled_until > :now AND t.organization_id = h.organization_id
        AND t.target_host = h.host AND t.state = 'ready' AND t.run_at < h.throttled_until
      """;

  // The leader's repair for a task inserted as held while its circuit was closing (the insert read
  // the open row; the release ran before the insert committed): without it, it would wait for a
  // circuit that no longer exists. tasks_held_idx holds only held tasks. A task a completer has
  // locked is left for the next pass, so the leader never waits for a completer here.
  static final String TASK_RELEASE_ORPHANS =
      """
      UPDATE tasks SET state = 'ready'
      WHERE id IN (SELECT t.id FROM tasks t
                   WHERE t.state = 'held'
                     AND NOT EXISTS (SELECT 1 FROM host_states h
                                     WHERE h.organization_id = t.organization_id
                                       AND h.host = t.target_host AND h.circuit = 'open')
                   FOR UPDATE SKIP LOCKED)
      RETURNING run_at
      """;

  static final String HOST_STATE_DELETE_HEALTHY =
      """
      DELETE FROM host_states
      WHERE circuit = 'closed' AND consecutive_failures = 0
        AND (throttled_until IS NULL OR throttled_until < :now)
      """;

  // Per organization, the busiest first: the gauges export at most :limit organizations.
  static final String HOST_STATE_COUNTS =
      """
      SELECT organization_id,
             count(*) FILTER (WHERE throttled_until > :now) AS throttled,
             count(*) FILTER (WHERE circuit = 'open') AS open
      FROM host_states
      GROUP BY organization_id
      """;
}
