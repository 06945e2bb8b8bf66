package eu.runlater.queues;

/** SQL for {@link QueueAlertSubjects}: queues' names for alert messages. */
final class QueueAlertSubjectsQueries {
  private QueueAlertSubjectsQueries() {}

  static final String QUEUE_NAMES =
      """
      SELECT id, name FROM queues
      WHERE organization_id = :organization_id AND id = ANY(:ids)
      """;

  static final String QUEUE_ID_BY_NAME =
      "SELECT id FROM queues WHERE organization_id = :organization_id AND name = :name";
}
