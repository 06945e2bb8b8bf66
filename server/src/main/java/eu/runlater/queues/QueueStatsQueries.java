package eu.runlater.queues;

/**
 * SQL for a queue's figures: depth, in flight, dead letters and what finished in the last minute.
 */
final class QueueStatsQueries {
  private QueueStatsQueries() {}

  // Depth, in flight and dead letters of the queue q. Waiting and dead messages are counted up to
  // :cap: counting is linear in a queue's depth, and the metrics export, which runs every 15 s on
  // every node, must stay cheap however deep a queue gets. Each count is ordered as its partial
  // index is (messages_waiting_idx, messages_dead_idx): with only a LIMIT, the planner took the
  // cap for a promise and read all of messages by a sequential scan for every queue holding fewer
  // (1.4 s a refresh with 265,000 messages stored, a bench run of 2026-12-04 12:05).
  private static final String DEPTH_COLUMNS =
      """
      (SELECT count(*) FROM (SELECT 1 FROM messages m
                             WHERE m.queue_id = q.id AND m.state = 'waiting'
                             ORDER BY m.not_before, m.id LIMIT :cap) w)
        AS waiting,
      (SELECT count(*) FROM messages m WHERE m.queue_id = q.id AND m.state = 'queued')
        AS in_flight,
      (SELECT count(*) FROM (SELECT 1 FROM messages m
                             WHERE m.organization_id = q.organization_id AND m.queue_id = q.id
                               AND m.state = 'failed'
                             ORDER BY m.id DESC LIMIT :cap) d)
        AS dead,
      """;

  // What finished since :since, counted from the messages (exact; linear in the minute's
  // throughput): for the API, which asks for one organization's queues at a time.
  private static final String STATS_COLUMNS =
      DEPTH_COLUMNS
          + """
          (SELECT count(*) FROM messages m WHERE m.queue_id = q.id
             AND m.finished_at >= :since AND m.state = 'delivered') AS delivered_last_minute,
          (SELECT count(*) FROM messages m WHERE m.queue_id = q.id
             AND m.finished_at >= :since AND m.state = 'failed') AS failed_last_minute
          """;

  /** Depth and in-flight per queue of an organization (or one queue). */
  static final String QUEUE_STATS =
      "SELECT q.id, " + STATS_COLUMNS + " FROM queues q WHERE q.organization_id = :organization_id";

  static final String QUEUE_STATS_ONE = QUEUE_STATS + " AND q.id = :id";

  // The same for every queue, for the metrics export (bounded), with what finished read from the
  // per-second counts (queue_finished, from the second holding :since on): at most 60 × 16 rows a
  // queue whatever its throughput, where counting a busy queue's messages took a second of CPU.
  // Ids only: a scrape must not carry tenants' names (an organization's slug, a queue's name).
  static final String QUEUE_STATS_ALL =
      "SELECT q.organization_id, q.id AS queue_id, "
          + DEPTH_COLUMNS
          + """
          coalesce(f.delivered, 0) AS delivered_last_minute,
          coalesce(f.failed, 0) AS failed_last_minute
          FROM queues q
          LEFT JOIN LATERAL (
            SELECT sum(c.delivered) AS delivered, sum(c.failed) AS failed FROM queue_finished c
            WHERE c.queue_id = q.id AND c.second_start >= date_trunc('second', :since::timestamptz)
          ) f ON true
          ORDER BY q.id LIMIT :limit
          """;

  // What a completer batch finished, per queue, added to this second's counts of the writing
  // backend's stripe (see queues V8). In queue order, so two batches lock their rows in one order.
  static final String FINISHED_ADD =
      """
      INSERT INTO queue_finished AS f (queue_id, second_start, stripe, delivered, failed)
      SELECT u.queue_id, date_trunc('second', :now::timestamptz), pg_backend_pid() % 16,
             u.delivered, u.failed
      FROM unnest(:queue_ids::uuid[], :delivered::integer[], :failed::integer[])
           AS u(queue_id, delivered, failed)
      ORDER BY u.queue_id
      ON CONFLICT (queue_id, second_start, stripe) DO UPDATE
      SET delivered = f.delivered + excluded.delivered, failed = f.failed + excluded.failed
      """;

  /** Counts older than every window that reads them. */
  static final String FINISHED_PURGE = "DELETE FROM queue_finished WHERE second_start < :before";
}
