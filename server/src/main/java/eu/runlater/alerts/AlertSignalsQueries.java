package eu.runlater.alerts;

/** SQL for what signals write: incidents and the outbox of changes to tell (alert_pending). */
final class AlertSignalsQueries {
  private AlertSignalsQueries() {}

  static final String INCIDENT_COLUMNS =
      """
      id, organization_id, subject_kind, subject_id, condition, state, first_failure_at,
      last_failure_at, opened_at, consecutive_failures, failures, last_status_code, last_error,
      last_snippet, last_execution_id, detail, announced, last_alert_at
      """;

  // The batch's one lookup: the current incidents of its subjects (alert_incidents_subject is a
  // partial index on current ones, so subjects that are fine cost nothing but a probe). Locked in
  // id order, so two nodes finishing runs of the same subjects queue up instead of deadlocking,
  // and neither decides on a state the other is changing.
  static final String INCIDENTS_CURRENT_LOCK =
      "SELECT "
          + INCIDENT_COLUMNS
          + """
           FROM alert_incidents
          WHERE subject_id = ANY(:subject_ids) AND state IN ('pending', 'open')
            AND condition = ANY(CAST(:conditions AS text[]))
          ORDER BY id
          FOR UPDATE
          """;

  static final String INCIDENTS_INSERT =
      """
      INSERT INTO alert_incidents (id, organization_id, subject_kind, subject_id, condition, state,
                                   first_failure_at, last_failure_at, opened_at, closed_at,
                                   consecutive_failures, failures, last_status_code, last_error,
                                   last_snippet, last_execution_id, detail, announced,
                                   last_alert_at)
      SELECT u.id, u.organization_id, u.subject_kind, u.subject_id, u.condition, u.state,
             u.first_failure_at::timestamptz, u.last_failure_at::timestamptz,
             u.opened_at::timestamptz, u.closed_at::timestamptz, u.consecutive_failures,
             u.failures, u.last_status_code, u.last_error, u.last_snippet, u.last_execution_id,
             u.detail, u.announced, u.last_alert_at::timestamptz
      FROM unnest(CAST(:ids AS uuid[]), CAST(:organization_ids AS uuid[]),
                  CAST(:subject_kinds AS text[]), CAST(:subject_ids AS uuid[]),
                  CAST(:conditions AS text[]), CAST(:states AS text[]),
                  CAST(:first_failure_ats AS text[]), CAST(:last_failure_ats AS text[]),
                  CAST(:opened_ats AS text[]), CAST(:closed_ats AS text[]),
                  CAST(:consecutive AS int[]), CAST(:failures AS int[]),
                  CAST(:status_codes AS int[]), CAST(:errors AS text[]),
                  CAST(:snippets AS text[]), CAST(:execution_ids AS uuid[]),
                  CAST(:details AS text[]), CAST(:announced AS boolean[]),
                  CAST(:last_alert_ats AS text[]))
           AS u(id, organization_id, subject_kind, subject_id, condition, state,
                first_failure_at, last_failure_at, opened_at, closed_at, consecutive_failures,
                failures, last_status_code, last_error, last_snippet, last_execution_id, detail,
                announced, last_alert_at)
      ON CONFLICT DO NOTHING
      RETURNING id
      """;

  static final String INCIDENTS_UPDATE =
      """
      UPDATE alert_incidents i
      SET state = u.state, last_failure_at = u.last_failure_at::timestamptz,
          opened_at = u.opened_at::timestamptz, closed_at = u.closed_at::timestamptz,
          consecutive_failures = u.consecutive_failures, failures = u.failures,
          last_status_code = u.last_status_code, last_error = u.last_error,
          last_snippet = u.last_snippet, last_execution_id = u.last_execution_id,
          detail = u.detail, announced = u.announced
      FROM unnest(CAST(:ids AS uuid[]), CAST(:states AS text[]),
                  CAST(:last_failure_ats AS text[]), CAST(:opened_ats AS text[]),
                  CAST(:closed_ats AS text[]), CAST(:consecutive AS int[]),
                  CAST(:failures AS int[]), CAST(:status_codes AS int[]),
                  CAST(:errors AS text[]), CAST(:snippets AS text[]),
                  CAST(:execution_ids AS uuid[]), CAST(:details AS text[]),
                  CAST(:announced AS boolean[]))
           AS u(id, state, last_failure_at, opened_at, closed_at, consecutive_failures, failures,
                last_status_code, last_error, last_snippet, last_execution_id, detail, announced)
      WHERE i.id = u.id
      """;

  // One row per change and channel: the rule's channels when it names them (opt-in ones
  // included), else every enabled channel that is not opt-in. A channel whose last group went
  // within its window waits for the window's end (one follow-up for everything since); otherwise
  // the group goes after a short wait that gathers failures of the same moment.
  static final String PENDING_INSERT =
      """
      INSERT INTO alert_pending (id, organization_id, channel_id, incident_id, change, created_at,
                                 due_at)
      SELECT gen_random_uuid(), c.organization_id, c.id, u.incident_id, u.change, :now,
             CASE WHEN c.last_group_at IS NULL
                       OR c.last_group_at + make_interval(secs => u.window_s) <= :now
                  THEN :now + make_interval(secs => CAST(:wait_ms AS float8) / 1000)
                  ELSE c.last_group_at + make_interval(secs => u.window_s)
             END
      FROM unnest(CAST(:incident_ids AS uuid[]), CAST(:organization_ids AS uuid[]),
                  CAST(:changes AS text[]), CAST(:channel_lists AS text[]),
                  CAST(:window_s AS int[]))
           AS u(incident_id, organization_id, change, channel_list, window_s)
      JOIN alert_channels c ON c.organization_id = u.organization_id AND c.enabled
       AND CASE WHEN u.channel_list IS NULL THEN NOT c.opt_in
                ELSE c.id = ANY(CAST(u.channel_list AS uuid[])) END
      """;

  static final String WINDOWS_OF_ORGANIZATIONS =
      """
      SELECT id, organization_id, name, starts_at, ends_at, cron, time_zone, duration_s,
             created_at
      FROM alert_maintenance_windows WHERE organization_id = ANY(:organization_ids)
      """;

  // Final runs of each job within its window, for failure-rate rules (executions_source_idx).
  static final String JOB_RUN_RATES =
      """
      SELECT e.source_id, count(*) AS runs,
             count(*) FILTER (WHERE e.status <> 'success') AS failures
      FROM executions e
      JOIN unnest(CAST(:subject_ids AS uuid[]), CAST(:sinces AS text[]))
           AS w(subject_id, since) ON e.source_id = w.subject_id
      WHERE e.source_kind = 'job' AND e.final AND e.created_at >= w.since::timestamptz
      GROUP BY e.source_id
      """;
}
