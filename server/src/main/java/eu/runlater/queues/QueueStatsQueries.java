package eu.runlater.queues;

/**
 * SQL for a queue's figures: depth, in flight, dead letters and what finished in the last minute.
 */
final class QueueStatsQueries {
  private QueueStatsQueries() {}

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

  /** Depth and in-flight per queue of an organization (or one queue). */
  static final String QUEUE_STATS =
      "SELECT q.id, " + STATS_COLUMNS + " FROM queues q WHERE q.organization_id = :organization_id";

  static final String QUEUE_STATS_ONE = QUEUE_STATS + " AND q.id = :id";

  // The same for every queue, for the metrics export (bounded). Ids only: a scrape must not
  // carry tenants' names (an organization's slug, a queue's name).
  static final String QUEUE_STATS_ALL =
      "SELECT q.organization_id, q.id AS queue_id, "
          + STATS_COLUMNS
          + " FROM queues q ORDER BY q.id LIMIT :limit";
}
