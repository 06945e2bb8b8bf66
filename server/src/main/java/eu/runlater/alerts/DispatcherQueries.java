package eu.runlater.alerts;

/** SQL for the dispatcher: due groups per channel, the reminder pass. */
final class DispatcherQueries {
  private DispatcherQueries() {}

  // One channel whose group is due, locked so exactly one node sends it. Due: a row's time has
  // come and the channel's group window is over — a row written by a signal that read the
  // channel just before its last group committed carries a due time from before that group, and
  // must still wait for the window's end, as one follow-up. A node that crashed
  // before committing leaves its rows in place for the next pass (here or elsewhere). NO KEY
  // UPDATE, not UPDATE: signals inserting outbox rows take KEY SHARE on the channel (the foreign
  // key) while holding their incidents' locks; FOR UPDATE would make them wait on the dispatcher,
  // which then waits on those incidents — a deadlock.
  static final String CHANNEL_DUE_LOCK =
      """
      SELECT c.id, c.organization_id FROM alert_channels c
      WHERE c.id IN (SELECT p.channel_id FROM alert_pending p WHERE p.due_at <= :now)
        AND (c.last_group_at IS NULL
             OR c.last_group_at + make_interval(secs => COALESCE(
                  (SELECT r.group_window_s FROM alert_rules r
                   WHERE r.organization_id = c.organization_id
                     AND r.subject_kind = 'organization' AND r.subject_id = c.organization_id),
                  60)) <= :now)
      ORDER BY c.id
      LIMIT 1
      FOR NO KEY UPDATE OF c SKIP LOCKED
      """;

  // The pass's question first: are there open announced incidents (reminders may be due) and
  // outbox rows whose time has come (a group may be due)? Each flag is the WHERE of the step it
  // gates (INCIDENTS_OPEN_ANNOUNCED; CHANNEL_DUE_LOCK's first condition), so an idle instance asks
  // one statement a second instead of a query and a transaction (issue 18, target 8).
  static final String PASS_PROBE =
      """
      SELECT
        EXISTS (SELECT 1 FROM alert_incidents
                WHERE state = 'open' AND announced AND last_alert_at IS NOT NULL) AS open,
        EXISTS (SELECT 1 FROM alert_pending WHERE due_at <= :now) AS due
      """;

  // Everything the channel has waiting, due or not: it all goes in this group.
  static final String PENDING_TAKE =
      """
      DELETE FROM alert_pending WHERE channel_id = :channel_id
      RETURNING incident_id, change, created_at
      """;

  static final String INCIDENTS_BY_IDS =
      """
      SELECT id, subject_kind, subject_id, subject_name, condition, state, first_failure_at,
             last_failure_at, opened_at, closed_at, consecutive_failures, last_status_code,
             last_error, last_snippet, last_execution_id, detail
      FROM alert_incidents WHERE id = ANY(:ids)
      """;

  static final String CHANNEL_GROUP_SENT =
      "UPDATE alert_channels SET last_group_at = :now WHERE id = :channel_id";

  static final String INCIDENTS_ALERTED =
      """
      UPDATE alert_incidents i
      SET last_alert_at = CASE WHEN u.alerted THEN :now ELSE i.last_alert_at END,
             subject_name = COALESCE(u.name, i.subject_name)
      FROM unnest(CAST(:ids AS uuid[]), CAST(:names AS text[]), CAST(:alerted AS boolean[]))
           AS u(id, name, alerted)
      WHERE i.id = u.id AND (u.alerted OR u.name IS NOT NULL)
      """;

  static final String INCIDENTS_OPEN_ANNOUNCED =
      """
      SELECT id, organization_id, subject_kind, subject_id, consecutive_failures, last_alert_at
      FROM alert_incidents
      WHERE state = 'open' AND announced AND last_alert_at IS NOT NULL
      """;

  // A reminder is queued once: only while last_alert_at is still what this pass read, so two
  // nodes running the pass at once queue it on one of them.
  static final String INCIDENTS_REMIND =
      """
      UPDATE alert_incidents i SET last_alert_at = :now, realerts = i.realerts + 1
      FROM unnest(CAST(:ids AS uuid[]), CAST(:expected AS text[])) AS u(id, expected)
      WHERE i.id = u.id AND i.state = 'open' AND i.last_alert_at = u.expected::timestamptz
      RETURNING i.id, i.organization_id, i.subject_kind, i.subject_id
      """;
}
