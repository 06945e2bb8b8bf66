package eu.runlater.queues;

/** SQL for the dead-letter list: failed messages, listed, counted, deleted and redriven. */
final class DeadLettersQueries {
  private DeadLettersQueries() {}

  static final String DEAD_DELETE =
      """
      DELETE FROM messages
      WHERE organization_id = :organization_id AND id = :id AND state = 'failed'
      """;

  static final String DEAD_REDRIVE_ONE =
      """
      UPDATE messages
      SET state = 'waiting', not_before = :now, redrives = redrives + 1, finished_at = NULL,
          released_at = NULL
      WHERE organization_id = :organization_id AND id = :id AND state = 'failed'
      RETURNING queue_id
      """;

  private static final String DEAD_FILTER =
      """
      FROM messages m JOIN queues q ON q.id = m.queue_id
      WHERE m.organization_id = :organization_id AND m.state = 'failed'
        AND (CAST(:queue AS text) IS NULL OR q.name = CAST(:queue AS text))
        AND (CAST(:from AS timestamptz) IS NULL OR m.finished_at >= CAST(:from AS timestamptz))
        AND (CAST(:to AS timestamptz) IS NULL OR m.finished_at < CAST(:to AS timestamptz))
        AND (CAST(:status_min AS integer) IS NULL
             OR m.last_status_code BETWEEN CAST(:status_min AS integer)
                                       AND CAST(:status_max AS integer))
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
}
