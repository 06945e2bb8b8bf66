package eu.runlater.status;

/** SQL of the instance's own checks and its automatic incidents. */
final class InstanceStatusQueries {
  private InstanceStatusQueries() {}

  // The oldest ready task past its time that nothing holds back (a circuit, a throttle, a cap
  // holds on purpose): how far behind the scheduler is.
  static final String SCHEDULER_LAG =
      """
      SELECT min(run_at) AS oldest FROM tasks
       WHERE state = 'ready' AND run_at <= :now AND held_by IS NULL
      """;

  // Attempts of the last minutes, and how many got an answer from their target (any status):
  // the delivery path working, whatever the targets said.
  static final String DELIVERY_RATE =
      """
      SELECT count(*) AS attempts,
             count(*) FILTER (WHERE status = 'success' OR status_code IS NOT NULL) AS answered
        FROM executions
       WHERE created_at >= :since AND created_at <= :now AND started_at IS NOT NULL
      """;

  static final String CHECK_UPSERT =
      """
      INSERT INTO status_instance_checks (component, state, detail, checked_at)
      VALUES (:component, :state, :detail, :now)
      ON CONFLICT (component) DO UPDATE
         SET state = EXCLUDED.state, detail = EXCLUDED.detail, checked_at = EXCLUDED.checked_at
      """;

  static final String INCIDENT_OPEN_OF_SUBJECT =
      """
      SELECT id FROM status_incidents
       WHERE automatic AND resolved_at IS NULL AND subject_id = :subject_id
         AND organization_id IS NULL
      """;

  static final String INCIDENT_OPEN =
      """
      INSERT INTO status_incidents (id, organization_id, kind, title, impact, status, automatic,
                                    subject_kind, subject_id, created_at, updated_at)
      VALUES (:id, NULL, 'incident', :title, :impact, 'investigating', true, 'instance',
              :subject_id, :now, :now)
      ON CONFLICT DO NOTHING
      """;

  static final String INCIDENT_RESOLVE =
      """
      UPDATE status_incidents SET status = 'resolved', resolved_at = :now, updated_at = :now
       WHERE id = :id AND resolved_at IS NULL
      """;

  static final String INCIDENT_UPDATE_ADD =
      """
      INSERT INTO status_incident_updates (id, incident_id, status, body, notify, created_at)
      VALUES (:id, :incident_id, :status, :body, false, :now)
      """;

  static final String DATABASE_PING = "SELECT 1";
}
