package eu.runlater.workflows;

/** SQL for {@code workflow_approvals}: who may decide a waiting approval step. */
final class ApprovalsQueries {
  private ApprovalsQueries() {}

  static final String APPROVAL_INSERT =
      """
      INSERT INTO workflow_approvals
        (run_id, name, organization_id, users, roles, escalate_task_id, created_at)
      VALUES (:run_id, :name, :organization_id, CAST(:users AS text[]), CAST(:roles AS text[]),
              :escalate_task_id, :now)
      ON CONFLICT (run_id, name) DO UPDATE
        SET users = EXCLUDED.users, roles = EXCLUDED.roles,
            escalate_task_id = EXCLUDED.escalate_task_id, created_at = EXCLUDED.created_at
      """;

  static final String APPROVAL_GET =
      """
      SELECT run_id, name, users, roles, escalate_task_id
      FROM workflow_approvals WHERE run_id = :run_id AND name = :name
      """;

  static final String APPROVAL_BY_ESCALATION =
      "SELECT run_id, name FROM workflow_approvals WHERE escalate_task_id = :task_id";

  static final String APPROVAL_SET_ASSIGNEES =
      """
      UPDATE workflow_approvals
      SET users = CAST(:users AS text[]), roles = CAST(:roles AS text[]),
          escalate_task_id = :escalate_task_id
      WHERE run_id = :run_id AND name = :name
      """;

  static final String STEP_SET_DECISION =
      """
      UPDATE workflow_run_steps SET decision = CAST(:decision AS jsonb)
      WHERE run_id = :run_id AND name = :name
      """;

  // The inbox: approval steps of running runs waiting now, that this email or role may decide
  // (both null: every waiting approval of the organization), newest run first.
  static final String APPROVALS_WAITING =
      """
      SELECT a.run_id, a.name, w.key AS workflow, a.users, a.roles, s.started_at,
             s.decision::text AS decision, r.input::text AS input
      FROM workflow_approvals a
      JOIN workflow_run_steps s ON s.run_id = a.run_id AND s.name = a.name
      JOIN workflow_runs r ON r.id = a.run_id
      JOIN workflows w ON w.id = r.workflow_id
      WHERE a.organization_id = :organization_id AND s.state = 'running' AND r.state = 'running'
        AND (CAST(:email AS text) IS NULL AND CAST(:role AS text) IS NULL
             OR :email = ANY(a.users) OR :role = ANY(a.roles))
      ORDER BY a.run_id DESC, a.name
      LIMIT :limit
      """;
}
