package eu.runlater.jobs;

/**
 * SQL for the jobs table, named noun-first, with what the claim hook reads and writes beside it.
 * {@link JobOverviewsQueries} reads jobs beside their runs; {@link JobPausesQueries} their pauses.
 */
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

  // Enabled cron jobs whose pending run is gone (no such task): nothing would run them again.
  // Driven from the jobs (a scan of them), one primary-key probe of tasks each; CronRepair.
  static final String JOBS_CRON_WITHOUT_PENDING =
      """
      SELECT j.organization_id, j.id FROM jobs j
      WHERE j.enabled AND j.schedule_type = 'cron'
        AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = j.pending_task_id)
      ORDER BY j.id LIMIT :batch
      """;

  // The state of a create batch's first runs once inserted (JobCommands#notAsPlanned).
  static final String TASKS_STATE = "SELECT id, state, run_at FROM tasks WHERE id = ANY(:ids)";

  static final String TASK_EXISTS = "SELECT EXISTS (SELECT 1 FROM tasks WHERE id = :id)";

  static final String JOB_SET_PENDING =
      "UPDATE jobs SET pending_task_id = :pending_task_id WHERE id = :id";

  static final String JOB_COUNT =
      "SELECT count(*) FROM jobs WHERE organization_id = :organization_id";

  static final String JOB_DELETE =
      "DELETE FROM jobs WHERE organization_id = :organization_id AND id = :id";

  // The job's own changes, for the version of what its page shows live.
  static final String JOB_UPDATED_AT =
      "SELECT updated_at FROM jobs WHERE organization_id = :organization_id AND id = :id";

  // A job limit's count and the inserts it allows, one transaction at a time per organization:
  // held to commit, so the next counts this one's jobs (only organizations with a limit take it).
  static final String JOB_LIMIT_LOCK =
      "SELECT pg_advisory_xact_lock(hashtextextended('runlater.jobs:' || :org, 0))";

  // One sync at a time per organization: a second waits for the first's transaction.
  static final String JOB_SYNC_LOCK =
      "SELECT pg_advisory_xact_lock(hashtextextended('runlater.sync:' || :org, 0))";

  static final String ORGANIZATION_TIER = "SELECT tier FROM organizations WHERE id = :id";
}
