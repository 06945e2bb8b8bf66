package eu.runlater.queues;

/** SQL for message_dedup: claims of dedup ids for many messages at once, and their expiry. */
final class MessageDedupQueries {
  private MessageDedupQueries() {}

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

  static final String DEDUP_PURGE_EXPIRED =
      """
      DELETE FROM message_dedup WHERE ctid IN (
        SELECT ctid FROM message_dedup WHERE expires_at < :now LIMIT 10000)
      """;
}
