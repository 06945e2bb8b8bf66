package eu.runlater.executions;

/** SQL for the execution history. */
final class ExecutionsQueries {
  private ExecutionsQueries() {}

  static final String SUMMARY_COLUMNS =
      """
      id, created_at, organization_id, task_id, source_kind, source_id, attempt, status, final,
      scheduled_for, due_at, started_at, finished_at, duration_us, status_code, error, node,
      next_attempt_at, held_by, held_since, held_until, held_note
      """;

  static final String DETAIL_COLUMNS =
      SUMMARY_COLUMNS
          + """
          , request_url, request_method, request_headers::text AS request_headers,
          request_headers_derived,
          request_sealed_headers, request_body, request_body_sealed,
          response_headers::text AS response_headers, response_body, response_truncated
          """;

  // created_at is the millisecond in a UUIDv7 id: equality on it prunes to one partition.
  static final String EXECUTION_GET =
      "SELECT "
          + DETAIL_COLUMNS
          + " FROM executions WHERE organization_id = :organization_id AND id = :id"
          + " AND created_at >= :created_from AND created_at < :created_to";

  static final String EXECUTION_LIST_BY_SOURCE =
      "SELECT "
          + SUMMARY_COLUMNS
          + """
           FROM executions
          WHERE organization_id = :organization_id AND source_id = :source_id
            AND (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))
            AND (CAST(:cursor_at AS timestamptz) IS NULL
                 OR (created_at, id) < (CAST(:cursor_at AS timestamptz), CAST(:cursor AS uuid)))
          ORDER BY created_at DESC, id DESC
          LIMIT :limit
          """;

  static final String EXECUTION_ATTEMPTS_OF_TASK =
      "SELECT "
          + SUMMARY_COLUMNS
          + " FROM executions WHERE organization_id = :organization_id AND task_id = :task_id"
          + " ORDER BY created_at, id";

  static final String EXECUTION_FINAL_EXISTS =
      """
      SELECT EXISTS (SELECT 1 FROM executions
                     WHERE organization_id = :organization_id AND source_id = :source_id AND final)
      """;

  // Executions are recorded at or after their planned time: created_at >= from is a safe bound.
  static final String EXECUTION_LIST_SCHEDULED_BETWEEN =
      "SELECT "
          + SUMMARY_COLUMNS
          + """
           FROM executions
          WHERE organization_id = :organization_id AND source_id = :source_id
            AND created_at >= :from AND scheduled_for >= :from AND scheduled_for <= :to
          ORDER BY scheduled_for, created_at, id
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
      WHERE organization_id = :organization_id AND source_id = :source_id AND attempt > 0
        AND created_at >= :since
      """;

  static final String EXECUTION_DAILY_SINCE =
      """
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS total,
             count(*) FILTER (WHERE status = 'success') AS succeeded
      FROM executions
      WHERE organization_id = :organization_id AND source_id = :source_id AND attempt > 0
        AND created_at >= :since
      GROUP BY 1
      ORDER BY 1
      """;

  // A source's newest execution, and how many started after :recent (a few minutes back: a row of
  // another node can commit behind a newer one, but not later than that).
  static final String EXECUTION_SOURCE_VERSION =
      """
      SELECT (SELECT e.id FROM executions e
              WHERE e.source_id = :source_id AND e.organization_id = :organization_id
              ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS newest,
             (SELECT count(*) FROM executions e
              WHERE e.source_id = :source_id AND e.organization_id = :organization_id
                AND e.created_at > :recent) AS recent
      """;

  // Cheap change detection for live updates: the newest execution by start, and how many
  // started in the window (bounded), per organization.
  // One row per organization, bumped in the transaction of a change (so concurrent changes of one
  // organization queue on it only at their very end).
  static final String LIVE_CHANGE =
      """
      INSERT INTO live_changes (organization_id, version) VALUES (:org, 1)
      ON CONFLICT (organization_id) DO UPDATE SET version = live_changes.version + 1
      """;

  static final String EXECUTION_FINGERPRINT =
      """
      SELECT (SELECT version FROM live_changes WHERE organization_id = :org) AS changes,
             (SELECT id FROM executions
              WHERE organization_id = :org AND created_at > :since
              ORDER BY created_at DESC, id DESC LIMIT 1) AS newest,
             (SELECT count(*) FROM (
                SELECT 1 FROM executions
                WHERE organization_id = :org AND created_at > :since LIMIT 10000) recent) AS recent
      """;
}
