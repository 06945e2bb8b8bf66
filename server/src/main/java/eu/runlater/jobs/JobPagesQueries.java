package eu.runlater.jobs;

import static eu.runlater.jobs.JobsQueries.JOBS_WITH_STATE;
import static eu.runlater.jobs.JobsQueries.JOB_COLUMNS;
import static eu.runlater.jobs.JobsQueries.JOB_STATE_COLUMNS;
import static eu.runlater.jobs.JobsQueries.JOB_STATE_JOINS;

/** SQL behind the jobs pages: the sortable, filterable list and a job's recent statistics. */
final class JobPagesQueries {
  private JobPagesQueries() {}

  /** Statuses of an attempt that count as a failure for the list's health filter and stats. */
  static final String FAILED_STATUSES = eu.runlater.executions.ExecutionStatuses.FAILED;

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

  // What a job page shows live was read at this version: the job's newest execution, how many
  // started after :recent (a few minutes before the page: a row of another node can commit behind
  // a newer one, but not later than that), and when the job itself last changed. No row when the
  // job is not this organization's.
  static final String JOB_LIVE_VERSION =
      """
      SELECT j.updated_at,
             (SELECT e.id FROM executions e WHERE e.source_id = j.id
              ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS newest,
             (SELECT count(*) FROM executions e WHERE e.source_id = j.id
                AND e.created_at > :recent) AS recent
      FROM jobs j
      WHERE j.organization_id = :organization_id AND j.id = :job_id
      """;

  // Attempts (attempt > 0) only: missed and skipped occurrences are not requests.
  static final String EXECUTION_STATS_SINCE =
      """
      SELECT count(*) AS total,
             count(*) FILTER (WHERE status = 'success') AS succeeded,
             count(*) FILTER (WHERE status <> 'success') AS failed,
             avg(duration_us) / 1000.0 AS avg_ms,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_us) / 1000.0 AS p95_ms
      FROM executions
      WHERE organization_id = :organization_id AND source_id = :job_id AND attempt > 0
        AND created_at >= :since
      """;

  static final String EXECUTION_DAILY_SINCE =
      """
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS total,
             count(*) FILTER (WHERE status = 'success') AS succeeded
      FROM executions
      WHERE organization_id = :organization_id AND source_id = :job_id AND attempt > 0
        AND created_at >= :since
      GROUP BY 1
      ORDER BY 1
      """;
}
