package eu.runlater.jobs;

import static eu.runlater.jobs.JobsQueries.JOB_COLUMNS;

import eu.runlater.executions.ExecutionStatuses;

/**
 * SQL for the read model of jobs beside their runs: each job with its next waiting task and its
 * latest execution, for the API, the sortable and filterable list, and the timeline. It reads the
 * engine's {@code tasks} and the {@code executions} history and writes neither: sorting and
 * filtering by a job's latest run needs them in the same statement.
 */
final class JobOverviewsQueries {
  private JobOverviewsQueries() {}

  // What the API shows beside the job: its next waiting run and its latest attempt.
  static final String JOB_STATE_COLUMNS =
      """
      pt.state AS task_state, pt.run_at AS task_run_at, pt.attempt AS task_attempt,
      pt.scheduled_for AS task_scheduled_for,
      (SELECT min(t2.run_at) FROM tasks t2
        WHERE t2.organization_id = j.organization_id AND t2.source_id = j.id
          AND t2.state <> 'running') AS next_run_at,
      le.id AS last_id, le.status AS last_status, le.status_code AS last_status_code,
      le.started_at AS last_started_at, le.finished_at AS last_finished_at, le.final AS last_final
      """;

  static final String JOB_STATE_JOINS =
      """
      LEFT JOIN LATERAL (
        SELECT state, run_at, attempt, scheduled_for FROM tasks t
        WHERE t.organization_id = j.organization_id AND t.source_id = j.id
        ORDER BY (t.state = 'running') DESC, t.run_at
        LIMIT 1
      ) pt ON true
      LEFT JOIN LATERAL (
        SELECT id, status, status_code, started_at, finished_at, final FROM executions e
        WHERE e.source_id = j.id AND e.organization_id = j.organization_id
        ORDER BY e.created_at DESC
        LIMIT 1
      ) le ON true
      """;

  /** A job with its derived state (next run, last attempt); callers add the WHERE clause. */
  static final String JOBS_WITH_STATE =
      "SELECT " + JOB_COLUMNS + ", " + JOB_STATE_COLUMNS + " FROM jobs j " + JOB_STATE_JOINS;

  static final String JOB_GET_WITH_STATE =
      JOBS_WITH_STATE + " WHERE j.organization_id = :organization_id AND j.id = :id";

  static final String JOB_LIST =
      JOBS_WITH_STATE
          + """
           WHERE j.organization_id = :organization_id
             AND (CAST(:cursor AS uuid) IS NULL OR j.id < CAST(:cursor AS uuid))
             AND (CAST(:enabled AS boolean) IS NULL OR j.enabled = CAST(:enabled AS boolean))
             AND (CAST(:schedule_type AS text) IS NULL OR j.schedule_type = CAST(:schedule_type AS text))
             AND (CAST(:key AS text) IS NULL OR j.key = CAST(:key AS text))
             AND (CAST(:q AS text) IS NULL
                  OR j.name ILIKE '%' || CAST(:q AS text) || '%'
                  OR j.url ILIKE '%' || CAST(:q AS text) || '%'
                  OR j.key ILIKE '%' || CAST(:q AS text) || '%')
           ORDER BY j.id DESC
           LIMIT :limit
          """;

  /** Statuses of an attempt that count as a failure for the list's health filter and stats. */
  static final String FAILED_STATUSES = ExecutionStatuses.FAILED;

  private static final String JOB_FILTER =
      """
       WHERE j.organization_id = :organization_id
         AND (CAST(:enabled AS boolean) IS NULL OR j.enabled = CAST(:enabled AS boolean))
         AND (CAST(:q AS text) IS NULL
              OR j.name ILIKE '%' || CAST(:q AS text) || '%'
              OR j.url ILIKE '%' || CAST(:q AS text) || '%'
              OR j.key ILIKE '%' || CAST(:q AS text) || '%')
      """;

  private static final String JOB_PAGE_ROWS = JOBS_WITH_STATE + JOB_FILTER;

  // Health reads the latest attempt, a column of the lateral join: filter on the outer select.
  private static final String JOB_PAGE_HEALTH =
      """
       WHERE CAST(:health AS text) IS NULL
          OR (CAST(:health AS text) = 'failing')
             = coalesce(s.last_status IN """
          + FAILED_STATUSES
          + ", false)";

  private static final String JOB_PAGE =
      "SELECT * FROM (" + JOB_PAGE_ROWS + ") s " + JOB_PAGE_HEALTH;

  static final String JOB_PAGE_BY_NEWEST =
      JOB_PAGE + " ORDER BY s.id DESC LIMIT :limit OFFSET :offset";

  static final String JOB_PAGE_BY_NAME =
      JOB_PAGE + " ORDER BY lower(s.name), s.id DESC LIMIT :limit OFFSET :offset";

  static final String JOB_PAGE_BY_NEXT_RUN =
      JOB_PAGE + " ORDER BY s.next_run_at ASC NULLS LAST, s.id DESC LIMIT :limit OFFSET :offset";

  static final String JOB_PAGE_BY_LAST_RUN =
      JOB_PAGE
          + " ORDER BY s.last_started_at DESC NULLS LAST, s.id DESC LIMIT :limit OFFSET :offset";

  static final String JOB_PAGE_COUNT =
      "SELECT count(*) FROM (" + JOB_PAGE_ROWS + ") s " + JOB_PAGE_HEALTH;

  // Without the health filter, nothing needs a job's state to count or to order by name or age:
  // the state (two index probes per job) is read for the page's jobs only.
  static final String JOB_COUNT_ANY_HEALTH = "SELECT count(*) FROM jobs j " + JOB_FILTER;

  private static String pageOfJobs(String order) {
    return "SELECT "
        + JOB_COLUMNS
        + ", "
        + JOB_STATE_COLUMNS
        + " FROM (SELECT * FROM jobs j "
        + JOB_FILTER
        + " ORDER BY "
        + order
        + " LIMIT :limit OFFSET :offset) j "
        + JOB_STATE_JOINS
        + " ORDER BY "
        + order;
  }

  static final String JOB_PAGE_ANY_HEALTH_BY_NEWEST = pageOfJobs("j.id DESC");

  static final String JOB_PAGE_ANY_HEALTH_BY_NAME = pageOfJobs("lower(j.name), j.id DESC");

  static final String JOB_ANY =
      "SELECT EXISTS (SELECT 1 FROM jobs WHERE organization_id = :organization_id)";

  // The job's live tasks (waiting, running, retrying) for occurrences in a window.
  static final String TASKS_OF_JOB_BETWEEN =
      """
      SELECT scheduled_for, state FROM tasks
      WHERE organization_id = :org AND source_id = :job
        AND scheduled_for >= :from AND scheduled_for <= :to
      """;
}
