package eu.runlater.queues;

/** SQL for the messages table: push, read, cancel, release, outcomes and purge. */
final class MessagesQueries {
  private MessagesQueries() {}

  static final String MESSAGE_COLUMNS =
      """
      m.id, m.organization_id, m.queue_id, q.name AS queue_name, m.state, m.url, m.method,
      m.headers::text AS headers, m.sealed_headers, m.secret_header_names, m.body, m.body_sealed,
      m.timeout_ms, m.retries, m.not_before, m.ordering_key, m.dedup_id, m.callback_url,
      m.failure_callback_url, m.attempts, m.redrives, m.last_status, m.last_status_code,
      m.last_error, m.last_execution_id, m.created_at, m.released_at, m.finished_at
      """;

  static final String MESSAGE_INSERT =
      """
      INSERT INTO messages (id, organization_id, queue_id, state, url, method, headers,
                            sealed_headers, secret_header_names, body, body_sealed, timeout_ms,
                            retries, not_before, ordering_key, dedup_id, callback_url,
                            failure_callback_url, created_at)
      VALUES (:id, :organization_id, :queue_id, 'waiting', :url, :method, CAST(:headers AS jsonb),
              :sealed_headers, CAST(:secret_header_names AS text[]), :body, :body_sealed,
              :timeout_ms, :retries, :not_before, :ordering_key, :dedup_id, :callback_url,
              :failure_callback_url, :now)
      """;

  /** Where some messages stand, for the module that pushed them (by their ids). */
  static final String MESSAGE_STATES =
      """
      SELECT id, state FROM messages
      WHERE organization_id = :organization_id AND id = ANY(CAST(:ids AS uuid[]))
      """;

  static final String MESSAGE_GET =
      "SELECT "
          + MESSAGE_COLUMNS
          + " FROM messages m JOIN queues q ON q.id = m.queue_id"
          + " WHERE m.organization_id = :organization_id AND m.id = :id";

  static final String MESSAGE_LIST =
      "SELECT "
          + MESSAGE_COLUMNS
          + """
           FROM messages m JOIN queues q ON q.id = m.queue_id
          WHERE m.organization_id = :organization_id
            AND (CAST(:queue AS text) IS NULL OR q.name = CAST(:queue AS text))
            AND (CAST(:state AS text) IS NULL OR m.state = CAST(:state AS text))
            AND (CAST(:from AS timestamptz) IS NULL OR m.created_at >= CAST(:from AS timestamptz))
            AND (CAST(:to AS timestamptz) IS NULL OR m.created_at < CAST(:to AS timestamptz))
            AND (CAST(:status_min AS integer) IS NULL
                 OR m.last_status_code BETWEEN CAST(:status_min AS integer)
                                           AND CAST(:status_max AS integer))
            AND (CAST(:cursor AS uuid) IS NULL OR m.id < CAST(:cursor AS uuid))
          ORDER BY m.id DESC
          LIMIT :limit
          """;

  // The newest messages to any of these URLs: a topic's endpoints. Messages do not record the
  // topic they came from, so these include ones pushed to those URLs directly.
  static final String MESSAGES_TO_URLS =
      "SELECT "
          + MESSAGE_COLUMNS
          + """
           FROM messages m JOIN queues q ON q.id = m.queue_id
          WHERE m.organization_id = :organization_id AND m.url = ANY(CAST(:urls AS text[]))
          ORDER BY m.id DESC
          LIMIT :limit
          """;

  static final String MESSAGE_CANCEL_WAITING =
      """
      UPDATE messages SET state = 'cancelled', finished_at = :now
      WHERE organization_id = :organization_id AND id = :id AND state = 'waiting'
      RETURNING queue_id
      """;

  static final String MESSAGE_CANCEL_QUEUED =
      """
      UPDATE messages SET state = 'cancelled', finished_at = :now
      WHERE id = :id AND state = 'queued'
      RETURNING queue_id
      """;

  static final String MESSAGES_QUEUED_OF_QUEUE =
      "SELECT id FROM messages WHERE queue_id = :queue_id AND state = 'queued'";

  static final String MESSAGES_BACK_TO_WAITING =
      """
      UPDATE messages SET state = 'waiting', released_at = NULL
      WHERE id = ANY(CAST(:ids AS uuid[])) AND state = 'queued'
      """;

  // --- release (flow control), on the engine's connection ---

  static final String MESSAGES_IN_FLIGHT_COUNT =
      "SELECT count(*) FROM messages WHERE queue_id = :queue_id AND state = 'queued'";

  // Due waiting messages in order; one per ordering key, and none of a key that has one in
  // flight (FIFO within a key). Guarded by state = 'waiting' again in the UPDATE: a cancel may
  // have taken one meanwhile. Run with a generic plan (RELEASE_GENERIC_PLAN before it,
  // RELEASE_DEFAULT_PLAN after): PostgreSQL, costing a generic plan for an unknown LIMIT, planned
  // it anew on every call (404 plans in 403 calls, a quarter of its time, in every completer batch
  // of a queue's drain; bench, 2026-12-05 15:20), though its best plan does not depend on the
  // values: the queue's waiting messages in messages_waiting_idx's order up to the limit, then
  // those rows by primary key. The picked ids go to the UPDATE as an array (= ANY) so that the
  // generic plan keeps that second step: joined to the pick instead, it hashed a sequential scan
  // of all messages (ReleasePlanTest).
  static final String RELEASE_GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan";

  static final String RELEASE_DEFAULT_PLAN = "SET LOCAL plan_cache_mode TO DEFAULT";

  static final String MESSAGE_RELEASE =
      """
      UPDATE messages m SET state = 'queued', released_at = :now
      WHERE m.id = ANY(ARRAY(
        SELECT w.id FROM messages w
        WHERE w.queue_id = :queue_id AND w.state = 'waiting' AND w.not_before <= :horizon
          AND (w.ordering_key IS NULL OR (
                NOT EXISTS (SELECT 1 FROM messages o
                            WHERE o.queue_id = w.queue_id AND o.state = 'queued'
                              AND o.ordering_key = w.ordering_key)
            AND NOT EXISTS (SELECT 1 FROM messages e
                            WHERE e.queue_id = w.queue_id AND e.state = 'waiting'
                              AND e.ordering_key = w.ordering_key AND e.id < w.id)))
        ORDER BY w.not_before, w.id
        LIMIT :limit))
        AND m.state = 'waiting'
      RETURNING m.*
      """;

  static final String MESSAGE_NEXT_DELAYED =
      """
      SELECT min(not_before) AS next FROM messages
      WHERE queue_id = :queue_id AND state = 'waiting' AND not_before > :horizon
      """;

  // --- outcomes, in the engine's completion transaction ---

  static final String MESSAGE_FINISH =
      """
      UPDATE messages m
      SET state = CASE WHEN o.success THEN 'delivered' ELSE 'failed' END,
          attempts = m.attempts + o.attempts, last_status = o.status,
          last_status_code = o.status_code, last_error = o.error, last_execution_id = o.execution_id,
          finished_at = :now
      FROM unnest(:ids::uuid[], :successes::boolean[], :attempts::integer[], :statuses::text[],
                  :status_codes::integer[], :errors::text[], :execution_ids::uuid[])
           AS o(id, success, attempts, status, status_code, error, execution_id)
      WHERE m.id = ANY(:ids::uuid[]) AND m.id = o.id AND m.state = 'queued'
      RETURNING m.id, m.organization_id, m.queue_id, m.state, m.callback_url,
                m.failure_callback_url, m.url, m.attempts,
                (SELECT name FROM queues WHERE id = m.queue_id) AS queue_name
      """;

  // --- upkeep ---

  static final String MESSAGES_PURGE_FINISHED =
      """
      DELETE FROM messages WHERE id IN (
        SELECT id FROM messages
        WHERE state IN ('delivered', 'cancelled') AND finished_at < :before
        LIMIT 10000)
      """;
}
