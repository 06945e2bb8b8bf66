package eu.runlater.workflows;

/** SQL for {@code workflow_events} and the runs events start. */
final class EventsQueries {
  private EventsQueries() {}

  // First, so that a second event with the same sender's id waits here for the first to commit,
  // then inserts nothing and is answered as a repeat.
  static final String EVENT_INSERT =
      """
      INSERT INTO workflow_events (id, organization_id, name, payload, received_at, external_id)
      VALUES (:id, :organization_id, :name, CAST(:payload AS jsonb), :now, :external_id)
      ON CONFLICT (organization_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
      RETURNING id
      """;

  static final String EVENT_BY_EXTERNAL_ID =
      """
      SELECT id, name FROM workflow_events
      WHERE organization_id = :organization_id AND external_id = :external_id
      """;

  static final String EVENT_COUNTS =
      "UPDATE workflow_events SET resumed = :resumed, started = :started WHERE id = :id";

  // The organization's active workflows whose current version has a trigger for this name.
  static final String WORKFLOWS_TRIGGERED =
      """
      SELECT w.id, w.key, w.version
      FROM workflows w
      JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
      WHERE w.organization_id = :organization_id AND w.archived_at IS NULL
        AND v.definition -> 'triggers'
            @> jsonb_build_array(jsonb_build_object('event', CAST(:name AS text)))
      ORDER BY w.key
      """;

  static final String RUN_SET_EVENT =
      "UPDATE workflow_runs SET event_id = :event_id WHERE id = :id";

  static final String RUNS_BY_EVENT =
      """
      SELECT w.key AS workflow, r.id AS run_id, r.state
      FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      WHERE r.event_id = :event_id
      ORDER BY w.key
      """;
}
