package eu.runlater.queues;

/** SQL for the queues table: settings, creation on first push, and the lock a release takes. */
final class QueuesQueries {
  private QueuesQueries() {}

  static final String QUEUE_COLUMNS =
      """
      q.id, q.organization_id, q.name, q.parallelism, q.rate_limit, q.rate_period_ms, q.retries,
      q.timeout_ms, q.paused, q.created_at, q.updated_at, q.owner
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

  /**
   * Creates or changes a queue another module owns; a pause stays as it was (the owner pauses and
   * resumes it on its own).
   */
  static final String QUEUE_OWNED_UPSERT =
      """
      INSERT INTO queues (id, organization_id, name, parallelism, rate_limit, rate_period_ms,
                          retries, timeout_ms, paused, owner, created_at, updated_at)
      VALUES (:id, :organization_id, :name, :parallelism, :rate_limit, :rate_period_ms,
              :retries, :timeout_ms, :paused, :owner, :now, :now)
      ON CONFLICT (organization_id, name) DO UPDATE
      SET parallelism = EXCLUDED.parallelism, rate_limit = EXCLUDED.rate_limit,
          rate_period_ms = EXCLUDED.rate_period_ms, owner = EXCLUDED.owner, updated_at = :now
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

  // A queue's messages go before its row, in the order the engine's outcome transaction takes
  // them (the message, then the queue's row for the release): deleted through the row's cascade,
  // they came after it, and a delete racing a delivery's outcome deadlocked.
  static final String QUEUE_MESSAGES_DELETE = "DELETE FROM messages WHERE queue_id = :id";

  static final String QUEUES_BY_NAMES =
      "SELECT "
          + QUEUE_COLUMNS
          + """
           FROM queues q
          WHERE q.organization_id = :organization_id AND q.name = ANY(CAST(:names AS text[]))
          """;

  /** Creates the named queues with the defaults; concurrent first pushes make one each. */
  static final String QUEUES_CREATE_DEFAULTS =
      """
      INSERT INTO queues (id, organization_id, name, parallelism, retries, timeout_ms,
                          created_at, updated_at)
      SELECT n.id, :organization_id, n.name, :parallelism, :retries, :timeout_ms, :now, :now
      FROM unnest(CAST(:ids AS uuid[]), CAST(:names AS text[])) AS n(id, name)
      ORDER BY n.name
      ON CONFLICT (organization_id, name) DO NOTHING
      """;

  // --- release (flow control) and the retries' rate gate, on the engine's connection ---

  // FOR NO KEY UPDATE, not FOR UPDATE: releases still take turns on a queue, but a push's insert
  // (whose foreign key takes FOR KEY SHARE on the queue's row) never waits for one. With FOR UPDATE
  // a batch push taking its queues in the order of its messages and an outcome releasing them in id
  // order deadlocked (docs/reliability.md, R2; PushLockOrderTest).
  static final String QUEUE_LOCK =
      """
      SELECT q.*, o.tier FROM queues q JOIN organizations o ON o.id = q.organization_id
      WHERE q.id = :id
      FOR NO KEY UPDATE OF q
      """;

  static final String QUEUE_SET_RATE_NEXT =
      "UPDATE queues SET rate_next_at = :rate_next_at WHERE id = :id";

  /** Queues with due waiting messages: the fallback sweep's work. */
  static final String QUEUES_WITH_DUE =
      """
      SELECT q.id FROM queues q
      WHERE NOT q.paused AND EXISTS (SELECT 1 FROM messages m
                                     WHERE m.queue_id = q.id AND m.state = 'waiting'
                                       AND m.not_before <= :now)
      """;

  // The rate-limited queues of retried messages, locked in id order (so two claims take them in
  // the same order) for the rate gate to hand out their next slots; NO KEY, so pushes to them never
  // wait (as QUEUE_LOCK).
  static final String QUEUE_RATES_LOCK_BY_MESSAGE =
      """
      SELECT m.id AS message_id, q.id AS queue_id, q.rate_limit, q.rate_period_ms, q.rate_next_at
      FROM messages m JOIN queues q ON q.id = m.queue_id
      WHERE m.id = ANY(:ids::uuid[]) AND q.rate_limit IS NOT NULL
      ORDER BY q.id
      FOR NO KEY UPDATE OF q
      """;
}
