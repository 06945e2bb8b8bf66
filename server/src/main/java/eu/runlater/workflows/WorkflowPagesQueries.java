package eu.runlater.workflows;

/**
 * SQL that only the workflow pages and the history read: a list's run counts, versions, steps' wake
 * times, a run's workflow name.
 */
final class WorkflowPagesQueries {
  private WorkflowPagesQueries() {}

  // Per workflow on the list: its runs by state since :since (running ones whatever their age)
  // and its newest run. One lateral pass per listed workflow, on the run index by workflow.
  static final String WORKFLOW_RUN_SUMMARIES =
      """
      SELECT w.id AS workflow_id,
             counts.running, counts.succeeded, counts.failed, counts.cancelled,
             last.id AS last_id, last.state AS last_state, last.created_at AS last_at
      FROM workflows w
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE r.state = 'running') AS running,
               count(*) FILTER (WHERE r.state = 'succeeded') AS succeeded,
               count(*) FILTER (WHERE r.state = 'failed') AS failed,
               count(*) FILTER (WHERE r.state = 'cancelled') AS cancelled
        FROM workflow_runs r
        WHERE r.workflow_id = w.id AND (r.created_at >= :since OR r.state = 'running')
      ) counts
      LEFT JOIN LATERAL (
        SELECT r.id, r.state, r.created_at FROM workflow_runs r
        WHERE r.workflow_id = w.id ORDER BY r.id DESC LIMIT 1
      ) last ON true
      WHERE w.organization_id = :organization_id AND w.id = ANY(CAST(:ids AS uuid[]))
      """;

  static final String WORKFLOW_VERSIONS =
      """
      SELECT v.version, v.created_at
      FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
      WHERE w.organization_id = :organization_id AND w.id = :workflow_id
      ORDER BY v.version DESC
      LIMIT 100
      """;

  // When each running step's task is due: a sleep's wake time, a wait's timeout, an http step's
  // next attempt.
  static final String STEP_TASKS_DUE =
      """
      SELECT s.name, t.run_at
      FROM workflow_run_steps s JOIN tasks t ON t.id = s.task_id
      WHERE s.run_id = :run_id AND s.state = 'running'
      """;

  static final String STEP_WAITING_FOR =
      """
      SELECT name, waiting_for FROM workflow_run_steps
      WHERE run_id = :run_id AND state = 'running' AND waiting_for IS NOT NULL
      """;

  static final String RUN_WORKFLOW_NAME =
      """
      SELECT w.name, w.key FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      WHERE r.organization_id = :organization_id AND r.id = :id
      """;

  // The step whose task an execution is (a step row names only its current task).
  static final String RUN_WORKFLOW_STEP_NAME =
      """
      SELECT w.name, w.key, s.name AS step
      FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      LEFT JOIN workflow_run_steps s ON s.run_id = r.id AND s.task_id = :task_id
      WHERE r.organization_id = :organization_id AND r.id = :id
      """;
}
