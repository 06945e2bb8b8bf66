package eu.runlater.jobs;

/** SQL for jobs, named noun-first. */
final class JobsQueries {
  private JobsQueries() {}

  static final String JOB_INSERT =
      """
      INSERT INTO jobs (id, organization_id, key, name, schedule_type, run_at, cron_expression,
                        timezone, url, method, headers, sealed_headers, secret_header_names, body,
                        body_sealed, timeout_ms, retries, enabled, catch_up, overlap,
                        pending_task_id, schedule_changed_at, created_at, updated_at)
      VALUES (:id, :organization_id, :key, :name, :schedule_type, :run_at, :cron_expression,
              :timezone, :url, :method, :headers::jsonb, :sealed_headers, :secret_header_names,
              :body, :body_sealed, :timeout_ms, :retries, :enabled, :catch_up, :overlap,
              :pending_task_id, :schedule_changed_at, :now, :now)
      """;

  static final String JOB_UPDATE =
      """
      UPDATE jobs SET key = :key, name = :name, schedule_type = :schedule_type, run_at = :run_at,
                      cron_expression = :cron_expression, timezone = :timezone,
                      catch_up = :catch_up, overlap = :overlap,
                      schedule_changed_at = :schedule_changed_at,
                      url = :url, method = :method, headers = :headers::jsonb,
                      sealed_headers = :sealed_headers, secret_header_names = :secret_header_names,
                      body = :body, body_sealed = :body_sealed, timeout_ms = :timeout_ms,
                      retries = :retries, enabled = :enabled, pending_task_id = :pending_task_id,
                      updated_at = :now
      WHERE organization_id = :organization_id AND id = :id
      """;

  static final String JOB_COLUMNS =
      """
      j.id, j.organization_id, j.key, j.name, j.schedule_type, j.run_at, j.cron_expression,
      j.timezone, j.url, j.method, j.headers::text AS headers, j.sealed_headers,
      j.secret_header_names, j.body, j.body_sealed, j.timeout_ms, j.retries, j.enabled,
      j.catch_up, j.overlap, j.pending_task_id, j.schedule_changed_at, j.created_at,
      j.updated_at
      """;

  static final String JOB_GET =
      "SELECT "
          + JOB_COLUMNS
          + " FROM jobs j WHERE j.organization_id = :organization_id AND j.id = :id";

  static final String JOB_GET_FOR_UPDATE = JOB_GET + " FOR UPDATE";

  static final String JOB_GET_BY_KEY =
      "SELECT "
          + JOB_COLUMNS
          + " FROM jobs j WHERE j.organization_id = :organization_id AND j.key = :key";

  static final String JOB_LIST_KEYED =
      "SELECT "
          + JOB_COLUMNS
          + " FROM jobs j WHERE j.organization_id = :organization_id AND j.key IS NOT NULL"
          + " ORDER BY j.key";

  static final String CRON_JOBS_OF_CLAIM =
      "SELECT "
          + JOB_COLUMNS
          + ", o.tier FROM jobs j JOIN organizations o ON o.id = j.organization_id"
          + " WHERE j.id = ANY(:ids) AND j.schedule_type = 'cron' AND j.enabled";

  // The swap that makes occurrence N+1 the pending one; it succeeds only while N still is, so an
  // edit that replaced the pending run meanwhile wins.
  // Each job's pending occurrence moves on to its successor, for the jobs whose pending one is
  // still the occurrence just claimed (an edit or a pause in between replaced it). One statement
  // for a whole claim, driven from the primary key.
  static final String JOB_PENDING_SWAP =
      """
      UPDATE jobs j SET pending_task_id = s.next
      FROM unnest(:ids::uuid[], :nexts::uuid[], :claimed::uuid[]) AS s(id, next, claimed)
      WHERE j.id = ANY(:ids::uuid[]) AND j.id = s.id AND j.pending_task_id = s.claimed
      RETURNING j.id
      """;

  static final String TASKS_RUNNING_OF_JOBS =
      """
      SELECT id, source_id, scheduled_for FROM tasks
      WHERE source_id = ANY(:jobs) AND state = 'running' AND id <> ALL(:claimed)
      """;

  static final String JOB_HAS_FINAL_EXECUTION =
      """
      SELECT EXISTS (SELECT 1 FROM executions
                     WHERE organization_id = :organization_id AND source_id = :id AND final)
      """;

  static final String JOB_PAUSE_START =
      """
      INSERT INTO job_pauses (organization_id, job_id, paused_at) VALUES (:organization_id, :job_id, :now)
      ON CONFLICT DO NOTHING
      """;

  static final String JOB_PAUSE_END =
      "UPDATE job_pauses SET resumed_at = :now WHERE job_id = :job_id AND resumed_at IS NULL";

  // What the API shows beside the job: its next waiting run and its latest attempt.
  static final String JOB_STATE_COLUMNS =
      """
      pt.state AS task_state, pt.run_at AS task_run_at, pt.attempt AS task_attempt,
      (SELECT min(t2.run_at) FROM tasks t2
        WHERE t2.organization_id = j.organization_id AND t2.source_id = j.id
          AND t2.state <> 'running') AS next_run_at,
      le.id AS last_id, le.status AS last_status, le.status_code AS last_status_code,
      le.started_at AS last_started_at, le.finished_at AS last_finished_at, le.final AS last_final
      """;

  static final String JOB_STATE_JOINS =
      """
      LEFT JOIN LATERAL (
        SELECT state, run_at, attempt FROM tasks t
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

  static final String JOB_COUNT =
      "SELECT count(*) FROM jobs WHERE organization_id = :organization_id";

  static final String JOB_DELETE =
      "DELETE FROM jobs WHERE organization_id = :organization_id AND id = :id";

  static final String ORGANIZATION_TIER = "SELECT tier FROM organizations WHERE id = :id";
}
