package eu.runlater.workflows;

/** SQL for what workflows tell alerts: names of workflows, and what failed in a run. */
final class WorkflowAlertsQueries {
  private WorkflowAlertsQueries() {}

  static final String WORKFLOW_NAMES =
      """
      SELECT id, key, name FROM workflows
      WHERE organization_id = :organization_id AND id = ANY(:ids)
      """;

  static final String WORKFLOW_NAME = "SELECT key, name FROM workflows WHERE id = :id";

  static final String WORKFLOW_ID_BY_KEY =
      "SELECT id FROM workflows WHERE organization_id = :organization_id AND key = :key";

  // The attempt behind a run's failure, for the alert's link: its latest failed step's execution
  // (none when what failed was no request: a rejection, a condition, the deadline).
  static final String RUN_FAILED_EXECUTION =
      """
      SELECT execution_id FROM workflow_run_steps
      WHERE run_id = :run_id AND state = 'failed' AND execution_id IS NOT NULL
      ORDER BY finished_at DESC NULLS LAST
      LIMIT 1
      """;
}
