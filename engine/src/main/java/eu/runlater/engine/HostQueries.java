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
  // held_since is never before the task's own due time, so a person ending the throttle early
  // (Hosts.release) brings it back to that time at most; a throttle extended keeps its start.
  static final String TASK_PUSH_BACK_HOST =
      """
      UPDATE tasks
      SET run_at = :until, held_by = 'host_throttle', held_until = :until, held_note = target_host,
          held_since = CASE WHEN held_by = 'host_throttle' THEN held_since
                            ELSE greatest(run_at, :now) END
      WHERE organization_id = :org AND target_host = :host AND state = 'ready'
        AND run_at < :until
      """;

  // Circuit open: what waits for the target leaves the ready index, except the probe. held_since
  // as for a throttle; a task held again before it ran keeps the first start.
  static final String TASK_HOLD_HOST =
      """
      UPDATE tasks
      SET state = 'held', held_by = 'host_circuit', held_until = NULL, held_note = target_host,
          held_since = CASE WHEN held_by = 'host_circuit' THEN held_since
                            ELSE greatest(run_at, :now) END
      WHERE organization_id = :org AND target_host = :host AND state = 'ready'
        AND id IS DISTINCT FROM :probe
      """;

  // The probe: the earliest held task goes back to ready, due when the circuit's period ends.
  static final String TASK_RELEASE_PROBE =
      """
      UPDATE tasks
      SET state = 'ready', run_at = greatest(run_at, :reopen_at),
          held_until = greatest(run_at, :reopen_at)
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
      UPDATE tasks SET state = 'ready', held_until = :now
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
      UPDATE tasks t
      SET run_at = h.throttled_until, held_by = 'host_throttle', held_until = h.throttled_until,
          held_note = t.target_host,
          held_since = CASE WHEN t.held_by = 'host_throttle' THEN t.held_since
                            ELSE greatest(t.run_at, :now) END
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
      UPDATE tasks SET state = 'ready', held_until = :now
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

  // A person's "probe now" (Hosts.probeNow), the target's row locked first: the probe becomes due
  // at the time it was held from, so now if that has passed, never before its own due time
  // (held_since is never before it). SKIP LOCKED: a
  // probe a claim or a completer holds is under way already, and waiting on it here, holding the
  // target's row, could deadlock with a completer that locks its tasks before the row.
  static final String TASK_PROBE_NOW =
      """
      UPDATE tasks
      SET run_at = least(run_at, coalesce(held_since, run_at)),
          held_until = greatest(least(run_at, coalesce(held_since, run_at)), :now)
      WHERE id = (SELECT id FROM tasks
                  WHERE id = :probe AND organization_id = :org AND state = 'ready'
                  FOR UPDATE SKIP LOCKED)
      RETURNING run_at
      """;

  static final String HOST_STATE_LOCK =
      """
      SELECT circuit, throttled_until, probe_task_id FROM host_states
      WHERE organization_id = :org AND host = :host
      FOR UPDATE
      """;

  static final String HOST_STATE_PROBE_NOW =
      """
      UPDATE host_states SET reopen_at = :now, probe_task_id = :probe, updated_at = :now
      WHERE organization_id = :org AND host = :host
      """;

  // A person's "release" (Hosts.release): every held task back to ready, and every task a throttle
  // or the probe pushed back due at the time it was held from (its own due time, or the moment
  // the hold began), never earlier. SKIP LOCKED as for the probe; a held task skipped is released
  // by the leader's next pass (TASK_RELEASE_ORPHANS), as the row is gone.
  static final String TASK_RELEASE_HELD_NOW =
      """
      UPDATE tasks
      SET state = 'ready', held_until = :now,
          run_at = least(run_at, coalesce(held_since, run_at))
      WHERE id IN (SELECT id FROM tasks
                   WHERE organization_id = :org AND target_host = :host AND state <> 'running'
                     AND (state = 'held'
                          OR (held_by IN ('host_circuit', 'host_throttle') AND run_at > :now
                              AND (held_until IS NULL OR held_until > :now)))
                   FOR UPDATE SKIP LOCKED)
      RETURNING run_at
      """;
}
