package eu.runlater.workflows;

/** SQL for {@code workflows} and {@code workflow_versions}. */
final class WorkflowsQueries {
  private WorkflowsQueries() {}

  static final String WORKFLOW_INSERT =
      """
      INSERT INTO workflows (id, organization_id, key, name, version, created_at, updated_at)
      VALUES (:id, :organization_id, :key, :name, 1, :now, :now)
      ON CONFLICT (organization_id, key) DO NOTHING
      """;

  static final String WORKFLOW_VERSION_INSERT =
      """
      INSERT INTO workflow_versions (workflow_id, version, definition, created_at)
      VALUES (:workflow_id, :version, CAST(:definition AS jsonb), :now)
      """;

  // Locks the row so that two updates make versions n+1 and n+2, never two n+1.
  static final String WORKFLOW_LOCK_BY_KEY =
      """
      SELECT id, version, archived_at FROM workflows
      WHERE organization_id = :organization_id AND key = :key
      FOR UPDATE
      """;

  static final String WORKFLOW_NEW_VERSION =
      """
      UPDATE workflows SET version = :version, name = :name, archived_at = NULL, updated_at = :now
      WHERE id = :id
      """;

  static final String WORKFLOW_ARCHIVE =
      """
      UPDATE workflows SET archived_at = :now, updated_at = :now
      WHERE organization_id = :organization_id AND key = :key AND archived_at IS NULL
      """;

  static final String WORKFLOW_GET =
      """
      SELECT w.id, w.key, w.name, w.version AS current_version, w.archived_at, w.created_at,
             w.updated_at, v.version, v.definition::text AS definition
      FROM workflows w
      JOIN workflow_versions v ON v.workflow_id = w.id
         AND v.version = COALESCE(:version, w.version)
      WHERE w.organization_id = :organization_id AND w.key = :key
      """;

  // What a run's start needs of its workflow: not the definition's text (parsed once per version,
  // see Definitions).
  static final String WORKFLOW_CURRENT =
      """
      SELECT id, version, archived_at FROM workflows
      WHERE organization_id = :organization_id AND key = :key
      """;

  static final String WORKFLOW_LIST =
      """
      SELECT w.id, w.key, w.name, w.version AS current_version, w.archived_at, w.created_at,
             w.updated_at, v.version, v.definition::text AS definition
      FROM workflows w
      JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
      WHERE w.organization_id = :organization_id
        AND (:archived OR w.archived_at IS NULL)
        AND (CAST(:cursor AS uuid) IS NULL OR w.id < :cursor)
      ORDER BY w.id DESC
      LIMIT :limit
      """;

  // The workflows a job's form offers as its target: a select's worth, by name.
  static final String WORKFLOW_CHOICES =
      """
      SELECT key, name, archived_at IS NOT NULL AS archived FROM workflows
      WHERE organization_id = :organization_id AND archived_at IS NULL
      ORDER BY lower(name), key
      LIMIT :limit
      """;

  static final String WORKFLOW_CHOICE_BY_KEY =
      """
      SELECT key, name, archived_at IS NOT NULL AS archived FROM workflows
      WHERE organization_id = :organization_id AND key = :key
      """;

  static final String VERSION_DEFINITION =
      """
      SELECT w.key, v.definition::text AS definition
      FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
      WHERE v.workflow_id = :workflow_id AND v.version = :version
      """;
}
