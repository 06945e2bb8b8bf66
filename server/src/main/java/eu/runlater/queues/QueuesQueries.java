package eu.runlater.queues;

/** SQL for queues and messages. */
final class QueuesQueries {
  private QueuesQueries() {}

  static final String QUEUE_COLUMNS =
      """
      q.id, q.organization_id, q.name, q.parallelism, q.rate_limit, q.rate_period_ms, q.retries,
      q.timeout_ms, q.paused, q.created_at, q.updated_at
      """;

  static final String QUEUE_UPSERT =
      """
      INSERT INTO queues (id, organization_id, name, parallelism, rate_limit, rate_period_ms,
                          retries, timeout_ms, paused, created_at, updated_at)
      VALUES (:id, :organization_id, :name, :parallelism, :rate_limit, :rate_period_ms,
              :retries, :timeout_ms, :paused, :now, :now)
      ON CONFLICT (organization_id, name) DO UPDATE
      SET parallelism = EXCLUDED.parallelism, rate_limit = EXCLUDED.rate_limit,
          rate_period_ms = EXCLUDED.rate_period_ms, retries = EXCLUDED.retries,
          timeout_ms = EXCLUDED.timeout_ms, paused = EXCLUDED.paused, updated_at = :now
      RETURNING id, (xmax = 0) AS created
      """;

  /** Creates a queue with the defaults on first push; concurrent first pushes make one. */
  static final String QUEUE_CREATE_DEFAULT =
      """
      INSERT INTO queues (id, organization_id, name, parallelism, retries, timeout_ms,
                          created_at, updated_at)
      VALUES (:id, :organization_id, :name, :parallelism, :retries, :timeout_ms, :now, :now)
      ON CONFLICT (organization_id, name) DO NOTHING
      """;

  static final String QUEUE_BY_NAME =
      "SELECT "
          + QUEUE_COLUMNS
          + " FROM queues q WHERE q.organization_id = :organization_id AND q.name = :name";

  static final String QUEUE_LIST =
      "SELECT "
          + QUEUE_COLUMNS
          + " FROM queues q WHERE q.organization_id = :organization_id ORDER BY q.name";

  static final String QUEUE_SET_PAUSED =
      """
      UPDATE queues SET paused = :paused, updated_at = :now
      WHERE organization_id = :organization_id AND name = :name
      RETURNING id
      """;

  static final String QUEUE_DELETE = "DELETE FROM queues WHERE id = :id";

  /** Depth and in-flight per queue of an organization (or one queue). */
  // Depth, in flight, dead letters, and what finished since :since, of the queue q. Waiting and
  // dead messages are counted up to :cap: counting is linear in a queue's depth, and the metrics
  // export, which runs every 15 s on every node, must stay cheap however deep a queue gets.
  private static final String STATS_COLUMNS =
      """
      (SELECT count(*) FROM (SELECT 1 FROM messages m
                             WHERE m.queue_id = q.id AND m.state = 'waiting' LIMIT :cap) w)
        AS waiting,
      (SELECT count(*) FROM messages m WHERE m.queue_id = q.id AND m.state = 'queued')
        AS in_flight,
      (SELECT count(*) FROM (SELECT 1 FROM messages m
                             WHERE m.queue_id = q.id AND m.state = 'failed' LIMIT :cap) d)
        AS dead,
      (SELECT count(*) FROM messages m WHERE m.queue_id = q.id
         AND m.finished_at >= :since AND m.state = 'delivered') AS delivered_last_minute,
      (SELECT count(*) FROM messages m WHERE m.queue_id = q.id
         AND m.finished_at >= :since AND m.state = 'failed') AS failed_last_minute
      """;

  static final String QUEUE_STATS =
      "SELECT q.id, " + STATS_COLUMNS + " FROM queues q WHERE q.organization_id = :organization_id";

  static final String QUEUE_STATS_ONE = QUEUE_STATS + " AND q.id = :id";

  // The same for every queue, for the metrics export (bounded). Ids only: a scrape must not
  // carry tenants' names (an organization's slug, a queue's name).
  static final String QUEUE_STATS_ALL =
      "SELECT q.organization_id, q.id AS queue_id, "
          + STATS_COLUMNS
          + " FROM queues q ORDER BY q.id LIMIT :limit";

  // --- release (flow control), on a raw connection ---

  static final String QUEUE_LOCK =
      """
      SELECT q.*, o.tier FROM queues q JOIN organizations o ON o.id = q.organization_id
      WHERE q.id = :id
      FOR UPDATE OF q
      """;

  static final String QUEUE_IN_FLIGHT =
      "SELECT count(*) FROM messages WHERE queue_id = :queue_id AND state = 'queued'";

  // Due waiting messages in order; one per ordering key, and none of a key that has one in
  // flight (FIFO within a key). Guarded by state = 'waiting' again in the UPDATE: a cancel may
  // have taken one meanwhile.
  static final String MESSAGE_RELEASE =
      """
      UPDATE messages m SET state = 'queued', released_at = :now
      FROM (
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
        LIMIT :limit
      ) r
      WHERE m.id = r.id AND m.state = 'waiting'
      RETURNING m.*
      """;

  static final String QUEUE_SET_RATE_NEXT =
      "UPDATE queues SET rate_next_at = :rate_next_at WHERE id = :id";

  static final String MESSAGE_NEXT_DELAYED =
      """
      SELECT min(not_before) AS next FROM messages
      WHERE queue_id = :queue_id AND state = 'waiting' AND not_before > :horizon
      """;

  /** Queues with due waiting messages: the fallback sweep's work. */
  static final String QUEUES_WITH_DUE =
      """
      SELECT q.id FROM queues q
      WHERE NOT q.paused AND EXISTS (SELECT 1 FROM messages m
                                     WHERE m.queue_id = q.id AND m.state = 'waiting'
                                       AND m.not_before <= :now)
      """;

  // --- messages ---

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
            AND (CAST(:status_code AS integer) IS NULL
                 OR m.last_status_code = CAST(:status_code AS integer))
            AND (CAST(:cursor AS uuid) IS NULL OR m.id < CAST(:cursor AS uuid))
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

  static final String MESSAGE_DELETE_DEAD =
      """
      DELETE FROM messages
      WHERE organization_id = :organization_id AND id = :id AND state = 'failed'
      """;

  static final String MESSAGES_QUEUED_OF_QUEUE =
      "SELECT id FROM messages WHERE queue_id = :queue_id AND state = 'queued'";

  static final String MESSAGES_BACK_TO_WAITING =
      """
      UPDATE messages SET state = 'waiting', released_at = NULL
      WHERE id = ANY(CAST(:ids AS uuid[])) AND state = 'queued'
      """;

  // --- outcomes ---

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

  // --- dead letters ---

  static final String DEAD_REDRIVE_ONE =
      """
      UPDATE messages
      SET state = 'waiting', not_before = :now, redrives = redrives + 1, finished_at = NULL,
          released_at = NULL
      WHERE organization_id = :organization_id AND id = :id AND state = 'failed'
      RETURNING queue_id
      """;

  static final String DEAD_FILTER =
      """
      FROM messages m JOIN queues q ON q.id = m.queue_id
      WHERE m.organization_id = :organization_id AND m.state = 'failed'
        AND (CAST(:queue AS text) IS NULL OR q.name = CAST(:queue AS text))
        AND (CAST(:from AS timestamptz) IS NULL OR m.finished_at >= CAST(:from AS timestamptz))
        AND (CAST(:to AS timestamptz) IS NULL OR m.finished_at < CAST(:to AS timestamptz))
        AND (CAST(:status_code AS integer) IS NULL
             OR m.last_status_code = CAST(:status_code AS integer))
        AND (CAST(:url_prefix AS text) IS NULL
             OR left(m.url, length(CAST(:url_prefix AS text))) = CAST(:url_prefix AS text))
      """;

  static final String DEAD_COUNT = "SELECT count(*) " + DEAD_FILTER;

  // Spaced by :interval_ms in id order so that a replay cannot flood the target.
  static final String DEAD_REDRIVE_MATCHING =
      """
      UPDATE messages m2
      SET state = 'waiting', redrives = m2.redrives + 1, finished_at = NULL, released_at = NULL,
          not_before = :now + (r.n - 1) * :interval_ms * interval '1 millisecond'
      FROM (SELECT m.id, row_number() OVER (ORDER BY m.id) AS n
      """
          + DEAD_FILTER
          + """
           ORDER BY m.id LIMIT :limit) r
          WHERE m2.id = r.id AND m2.state = 'failed'
          RETURNING m2.queue_id
          """;

  // --- upkeep ---

  static final String MESSAGES_PURGE_FINISHED =
      """
      DELETE FROM messages WHERE id IN (
        SELECT id FROM messages
        WHERE state IN ('delivered', 'cancelled') AND finished_at < :before
        LIMIT 10000)
      """;

  static final String DEDUP_PURGE_EXPIRED =
      """
      DELETE FROM message_dedup WHERE ctid IN (
        SELECT ctid FROM message_dedup WHERE expires_at < :now LIMIT 10000)
      """;
}
