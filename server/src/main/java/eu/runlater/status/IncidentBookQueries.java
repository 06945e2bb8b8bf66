package eu.runlater.status;

/**
 * SQL of {@code status_incidents}, their components and updates, and the mail outbox. An
 * organization id that is null means the instance's own incidents ({@code IS NOT DISTINCT FROM}).
 */
final class IncidentBookQueries {
  private IncidentBookQueries() {}

  static final String INCIDENTS_PAGE =
      """
      SELECT * FROM status_incidents
       WHERE organization_id IS NOT DISTINCT FROM CAST(:organization_id AS uuid)
         AND (CAST(:kind AS text) IS NULL OR kind = :kind)
         AND (CAST(:state AS text) IS NULL
              OR (:state = 'open' AND resolved_at IS NULL)
              OR (:state = 'resolved' AND resolved_at IS NOT NULL))
         AND (CAST(:before AS uuid) IS NULL OR id < :before)
       ORDER BY id DESC
       LIMIT :limit
      """;

  static final String INCIDENT_GET =
      """
      SELECT * FROM status_incidents
       WHERE organization_id IS NOT DISTINCT FROM CAST(:organization_id AS uuid) AND id = :id
      """;

  static final String INCIDENT_LOCK =
      """
      SELECT * FROM status_incidents
       WHERE organization_id IS NOT DISTINCT FROM CAST(:organization_id AS uuid) AND id = :id
         FOR UPDATE
      """;

  static final String INCIDENT_INSERT =
      """
      INSERT INTO status_incidents (id, organization_id, kind, title, impact, status, automatic,
                                    subject_kind, subject_id, starts_at, ends_at, created_at,
                                    updated_at, resolved_at)
      VALUES (:id, :organization_id, :kind, :title, :impact, :status, :automatic, :subject_kind,
              :subject_id, :starts_at, :ends_at, :now, :now, :resolved_at)
      """;

  static final String INCIDENT_SET_STATUS =
      """
      UPDATE status_incidents
         SET status = :status, impact = :impact, updated_at = :now,
             resolved_at = CASE WHEN :closed THEN coalesce(resolved_at, :now) END
       WHERE id = :id
      """;

  static final String INCIDENT_DELETE =
      """
      DELETE FROM status_incidents
       WHERE organization_id IS NOT DISTINCT FROM CAST(:organization_id AS uuid) AND id = :id
      """;

  static final String INCIDENT_COMPONENTS_OF =
      """
      SELECT ic.incident_id, c.id, c.name, c.page_id, p.title AS page_title
        FROM status_incident_components ic
        JOIN status_components c ON c.id = ic.component_id
        JOIN status_pages p ON p.id = c.page_id
       WHERE ic.incident_id = ANY(:ids)
       ORDER BY p.title, c.position
      """;

  static final String INCIDENT_COMPONENT_INSERT =
      """
      INSERT INTO status_incident_components (incident_id, component_id)
      SELECT :incident_id, c.id
        FROM status_components c JOIN status_pages p ON p.id = c.page_id
       WHERE p.organization_id = :organization_id AND c.id = ANY(:ids)
      ON CONFLICT DO NOTHING
      """;

  /** The organization's components among ids (to name the unknown ones). */
  static final String COMPONENTS_OF_ORGANIZATION =
      """
      SELECT c.id FROM status_components c JOIN status_pages p ON p.id = c.page_id
       WHERE p.organization_id = :organization_id AND c.id = ANY(:ids)
      """;

  static final String UPDATES_OF =
      """
      SELECT u.*, (SELECT count(*) FROM status_mail_outbox o WHERE o.update_id = u.id) AS mails_waiting
        FROM status_incident_updates u
       WHERE u.incident_id = ANY(:ids)
       ORDER BY u.created_at DESC, u.id DESC
      """;

  static final String UPDATE_INSERT =
      """
      INSERT INTO status_incident_updates (id, incident_id, status, body, notify, created_at)
      VALUES (:id, :incident_id, :status, :body, :notify, :now)
      """;

  /**
   * One mail per confirmed address among the subscribers of the pages the incident shows on (an
   * address on two of those pages is mailed once).
   */
  static final String OUTBOX_FILL =
      """
      INSERT INTO status_mail_outbox (id, update_id, subscriber_id, due_at)
      SELECT gen_random_uuid(), :update_id, s.id, :now
        FROM (SELECT DISTINCT ON (lower(s.email)) s.id
                FROM status_subscribers s
               WHERE s.confirmed_at IS NOT NULL
                 AND s.page_id IN (SELECT c.page_id
                                     FROM status_incident_components ic
                                     JOIN status_components c ON c.id = ic.component_id
                                    WHERE ic.incident_id = :incident_id)
               ORDER BY lower(s.email), s.id) s
      ON CONFLICT DO NOTHING
      """;

  /** Due mails, locked for this node; other nodes skip them. */
  static final String OUTBOX_TAKE_DUE =
      """
      SELECT o.id, o.attempts, s.id AS subscriber_id, s.email, s.page_id, p.slug, p.title AS page_title,
             u.status AS update_status, u.body, u.created_at AS update_at,
             i.id AS incident_id, i.title, i.kind, i.impact
        FROM status_mail_outbox o
        JOIN status_subscribers s ON s.id = o.subscriber_id
        JOIN status_pages p ON p.id = s.page_id
        JOIN status_incident_updates u ON u.id = o.update_id
        JOIN status_incidents i ON i.id = u.incident_id
       WHERE o.due_at <= :now
       ORDER BY o.due_at
       LIMIT :limit
         FOR UPDATE OF o SKIP LOCKED
      """;

  static final String OUTBOX_DELETE =
      """
      DELETE FROM status_mail_outbox WHERE id = :id
      """;

  static final String OUTBOX_RETRY =
      """
      UPDATE status_mail_outbox
         SET attempts = attempts + 1, due_at = :due_at, last_error = :error
       WHERE id = :id
      """;

  /** Every subject that components follow, with its organization (for the automatic incidents). */
  static final String COMPONENT_SUBJECTS =
      """
      SELECT DISTINCT p.organization_id, c.kind, c.subject_id
        FROM status_components c JOIN status_pages p ON p.id = c.page_id
       WHERE c.subject_id IS NOT NULL
      """;

  static final String AUTOMATIC_OPEN =
      """
      SELECT * FROM status_incidents
       WHERE automatic AND resolved_at IS NULL AND organization_id IS NOT NULL
         AND subject_kind IN ('monitor', 'job', 'queue')
         FOR UPDATE
      """;

  static final String COMPONENTS_OF_SUBJECT =
      """
      SELECT c.id, c.name FROM status_components c JOIN status_pages p ON p.id = c.page_id
       WHERE p.organization_id = :organization_id AND c.subject_id = :subject_id
       ORDER BY c.id
      """;

  /** Maintenance whose window began or ended and whose status has not followed yet. */
  static final String MAINTENANCE_DUE =
      """
      SELECT * FROM status_incidents
       WHERE kind = 'maintenance'
         AND ((status = 'scheduled' AND starts_at <= :now)
              OR (status = 'in_progress' AND ends_at <= :now))
         FOR UPDATE SKIP LOCKED
      """;
}
