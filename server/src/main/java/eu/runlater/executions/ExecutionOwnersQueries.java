package eu.runlater.executions;

/** SQL for {@link ExecutionOwners}: which of some organizations owns an execution. */
final class ExecutionOwnersQueries {
  private ExecutionOwnersQueries() {}

  static final String EXECUTION_OWNER_AMONG =
      """
      SELECT organization_id FROM executions
      WHERE id = :id AND organization_id IN (:organizations)
      LIMIT 1
      """;
}
