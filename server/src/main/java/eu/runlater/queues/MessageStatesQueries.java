package eu.runlater.queues;

/**
 * SQL for the dashboard's words for messages (docs/states.md): what holds a waiting message in its
 * queue, and where a released one stands in the engine. It reads the engine's {@code tasks} and
 * writes nothing: a released message's state (running, retrying, held by its host) lives there.
 */
final class MessageStatesQueries {
  private MessageStatesQueries() {}

  // Each queue's flow control as it stands: what a waiting message may be held by.
  static final String QUEUE_FLOWS =
      """
      SELECT q.id, q.name, q.paused, q.parallelism, q.rate_limit, q.rate_period_ms, q.rate_next_at,
             (SELECT count(*) FROM messages m
               WHERE m.queue_id = q.id AND m.state = 'queued') AS in_flight
      FROM queues q
      WHERE q.organization_id = :organization_id
      """;

  // A released message's task (running first), and for a waiting one whether an earlier message
  // of its ordering key is unfinished: released (in flight) or waiting ahead of it.
  static final String MESSAGE_RUNS =
      """
      SELECT m.id, t.state AS task_state, t.run_at AS task_run_at, t.attempt AS task_attempt,
             (m.state = 'waiting' AND m.ordering_key IS NOT NULL AND EXISTS (
                SELECT 1 FROM messages o
                WHERE o.queue_id = m.queue_id AND o.ordering_key = m.ordering_key
                  AND (o.state = 'queued' OR (o.state = 'waiting' AND o.id < m.id)))) AS key_busy
      FROM messages m
      LEFT JOIN LATERAL (
        SELECT state, run_at, attempt FROM tasks t
        WHERE t.organization_id = m.organization_id AND t.source_id = m.id
          AND t.source_kind = 'message'
        ORDER BY (t.state = 'running') DESC, t.run_at
        LIMIT 1
      ) t ON m.state = 'queued'
      WHERE m.organization_id = :organization_id AND m.id = ANY(CAST(:ids AS uuid[]))
      """;
}
