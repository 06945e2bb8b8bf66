package eu.runlater.queues;

/** SQL for pushing messages in bulk: queues by name, dedup claims for many messages at once. */
final class PushQueries {
  private PushQueries() {}

  static final String QUEUES_BY_NAMES =
      "SELECT "
          + QueuesQueries.QUEUE_COLUMNS
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

  // Claims many (queue, dedup id) pairs in one statement. The caller passes each pair once (ON
  // CONFLICT cannot touch a row twice in one command) and in (queue_id, dedup_id) order, so two
  // batches claiming overlapping ids lock them in the same order and cannot deadlock. A claim whose
  // key is held and not expired returns nothing: DEDUP_HOLDERS then names the holder.
  static final String DEDUP_CLAIM_MANY =
      """
      INSERT INTO message_dedup (queue_id, dedup_id, message_id, expires_at)
      SELECT c.queue_id, c.dedup_id, c.message_id, CAST(:expires_at AS timestamptz)
      FROM unnest(CAST(:queue_ids AS uuid[]), CAST(:dedup_ids AS text[]),
                  CAST(:message_ids AS uuid[])) WITH ORDINALITY AS c(queue_id, dedup_id, message_id, n)
      ORDER BY c.n
      ON CONFLICT (queue_id, dedup_id) DO UPDATE
      SET message_id = EXCLUDED.message_id, expires_at = EXCLUDED.expires_at
      WHERE message_dedup.expires_at <= CAST(:now AS timestamptz)
      RETURNING message_id
      """;

  static final String DEDUP_HOLDERS =
      """
      SELECT d.queue_id, d.dedup_id, d.message_id
      FROM message_dedup d
      JOIN unnest(CAST(:queue_ids AS uuid[]), CAST(:dedup_ids AS text[])) AS c(queue_id, dedup_id)
        ON d.queue_id = c.queue_id AND d.dedup_id = c.dedup_id
      """;
}
