package eu.runlater.executions;

/** SQL for the execution history. */
final class ExecutionsQueries {
  private ExecutionsQueries() {}

  static final String SUMMARY_COLUMNS =
      """
      id, created_at, organization_id, task_id, source_kind, source_id, attempt, status, final,
      scheduled_for, due_at, started_at, finished_at, duration_us, status_code, error, node,
      next_attempt_at
      """;

  static final String DETAIL_COLUMNS =
      SUMMARY_COLUMNS
          + """
          , request_url, request_method, request_headers::text AS request_headers,
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
}
