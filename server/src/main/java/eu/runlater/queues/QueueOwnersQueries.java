package eu.runlater.queues;

/** SQL for {@link QueueOwners}: which of some organizations owns a queue or a message. */
final class QueueOwnersQueries {
  private QueueOwnersQueries() {}

  // Queue names are unique per organization only: several of the viewer's may have one by this
  // name; the oldest is offered.
  static final String QUEUE_OWNER_AMONG =
      """
      SELECT organization_id FROM queues
      WHERE name = :name AND organization_id IN (:organizations)
      ORDER BY created_at LIMIT 1
      """;

  static final String MESSAGE_OWNER_AMONG =
      """
      SELECT organization_id FROM messages
      WHERE id = :id AND organization_id IN (:organizations)
      """;
}
