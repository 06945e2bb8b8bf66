package eu.runlater.workflows;

/** SQL for {@code workflow_starts}: which task started which run. */
final class StartsQueries {
  private StartsQueries() {}

  static final String START_GET =
      """
      SELECT s.run_id, r.state
      FROM workflow_starts s JOIN workflow_runs r ON r.id = s.run_id
      WHERE s.task_id = :task_id AND s.organization_id = :organization_id
      """;

  // A second delivery of the same task inserting at the same time waits for the first's commit
  // and then fails on the primary key: its transaction (and the run it made) rolls back, and it
  // answers with the first's run.
  static final String START_INSERT =
      """
      INSERT INTO workflow_starts
        (task_id, run_id, organization_id, source_kind, source_id, created_at)
      SELECT :task_id, :run_id, :organization_id, t.source_kind, t.source_id, :now
      FROM (SELECT 1) AS one
      LEFT JOIN tasks t ON t.id = :task_id
      """;

  static final String START_LATEST_OF_SOURCE =
      """
      SELECT run_id FROM workflow_starts
      WHERE source_id = :source_id AND organization_id = :organization_id
      ORDER BY created_at DESC, run_id DESC
      LIMIT 1
      """;
}
