package eu.runlater.dashboard;

import static eu.runlater.executions.ExecutionStatuses.FAILED;

/**
 * SQL for the home page, a read model over jobs and their execution history (read only: the engine
 * writes both). Executions are read through (organization_id, created_at).
 */
final class HomeQueries {
  private HomeQueries() {}

  static final String JOB_COUNTS =
      """
      SELECT count(*) FILTER (WHERE enabled) AS active, count(*) AS total
      FROM jobs WHERE organization_id = :org
      """;

  // Missed and cancelled occurrences are records, not runs: they count as neither.
  static final String EXECUTIONS_RECENT =
      RunsQueries.RUN_FROM
          + """
      WHERE e.organization_id = :org AND e.created_at > :since
      ORDER BY e.created_at DESC, e.id DESC
      LIMIT :limit
      """;

  // Enabled jobs whose latest final execution failed (any failed status, as the jobs list).
  static final String JOBS_FAILING =
      """
      SELECT j.id, j.name, last.status, last.created_at
      FROM jobs j
      CROSS JOIN LATERAL (
        SELECT e.status, e.created_at FROM executions e
        WHERE e.source_id = j.id AND e.final AND e.attempt > 0
        ORDER BY e.created_at DESC LIMIT 1) last
      WHERE j.organization_id = :org AND j.enabled AND last.status IN %s
      ORDER BY last.created_at DESC
      LIMIT :limit
      """
          .formatted(FAILED);

  // Enabled cron jobs with what the "two intervals" rule needs: the latest execution (one probe
  // of the (source_id, created_at) index); only when it is not a success, the latest :scan
  // executions, for a success among them or the oldest of them. The condition on latest.status
  // inside the second lateral is a one-time filter, so PostgreSQL skips that scan for a job whose
  // latest execution succeeded; its LIMIT bounds the walk for a job that never succeeds, which
  // would otherwise go through the job's whole history in every daily partition. And the end of
  // the job's last pause: a job re-enabled just now is not overdue for the time it was off.
  static final String JOBS_LAST_SUCCESS =
      """
      SELECT j.id, j.name, j.cron_expression, j.timezone, j.created_at,
             latest.status AS latest_status, latest.created_at AS latest_at,
             recent.success_at, recent.oldest_at, recent.runs, resumed.at AS resumed_at
      FROM jobs j
      LEFT JOIN LATERAL (
        SELECT e.status, e.created_at FROM executions e
        WHERE e.source_id = j.id
        ORDER BY e.created_at DESC LIMIT 1) latest ON true
      LEFT JOIN LATERAL (
        SELECT max(r.created_at) FILTER (WHERE r.status = 'success') AS success_at,
               min(r.created_at) AS oldest_at, count(*) AS runs
        FROM (
          SELECT e.status, e.created_at FROM executions e
          WHERE e.source_id = j.id AND latest.status <> 'success'
          ORDER BY e.created_at DESC LIMIT :scan) r) recent ON true
      LEFT JOIN LATERAL (
        SELECT max(p.resumed_at) AS at FROM job_pauses p WHERE p.job_id = j.id) resumed ON true
      WHERE j.organization_id = :org AND j.enabled AND j.schedule_type = 'cron'
      ORDER BY j.id
      LIMIT :limit
      """;

  // DayCounts' refresh. (leave_from, leave_to]: left the day; (settled_from, settled_to]:
  // settled; after: the tail.
  static final String EXECUTIONS_DAY_CHANGES =
      """
      SELECT count(*) FILTER (WHERE created_at <= :leave_to AND status IN %1$s) AS left_failures,
             count(*) FILTER (WHERE created_at <= :leave_to AND status = 'success') AS left_successes,
             count(*) FILTER (WHERE created_at > :settled_from AND created_at <= :settled_to
                                AND status IN %1$s) AS settled_failures,
             count(*) FILTER (WHERE created_at > :settled_from AND created_at <= :settled_to
                                AND status = 'success') AS settled_successes,
             count(*) FILTER (WHERE created_at > :settled_from AND created_at <= :settled_to
                                AND attempt > 0 AND created_at >= :midnight) AS settled_runs,
             count(*) FILTER (WHERE created_at > :settled_to AND status IN %1$s) AS tail_failures,
             count(*) FILTER (WHERE created_at > :settled_to AND status = 'success')
               AS tail_successes,
             count(*) FILTER (WHERE created_at > :settled_to AND attempt > 0
                                AND created_at >= :midnight) AS tail_runs
      FROM executions
      WHERE organization_id = :org
        AND ((created_at > :leave_from AND created_at <= :leave_to) OR created_at > :settled_from)
      """
          .formatted(FAILED);
}
