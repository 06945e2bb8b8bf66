package eu.runlater.queues;

/** SQL for {@link QueueAlertChecks}: what the queue gauges measure. */
final class QueueAlertChecksQueries {
  private QueueAlertChecksQueries() {}

  static final String QUEUES_ALL = "SELECT id, organization_id, name FROM queues";

  // Counted up to the threshold + 1: enough to know it is above, and bounded however deep.
  static final String QUEUE_DEPTH_CAPPED =
      """
      SELECT count(*) FROM (SELECT 1 FROM messages
                            WHERE queue_id = :queue_id AND state = 'waiting' LIMIT :cap) w
      """;

  // Since when the oldest waiting message could have gone (messages_waiting_idx: one probe);
  // a delayed message is not late before its time.
  static final String QUEUE_OLDEST_WAITING =
      """
      SELECT not_before FROM messages
      WHERE queue_id = :queue_id AND state = 'waiting'
      ORDER BY not_before LIMIT 1
      """;
}
