package eu.runlater.status;

/** SQL for building status snapshots: a page, its components, its incidents and their updates. */
final class StatusSnapshotsQueries {
  private StatusSnapshotsQueries() {}

  static final String PAGE_BY_SLUG =
      """
      SELECT id, organization_id, slug, title, description, custom_host, created_at, updated_at
        FROM status_pages WHERE slug = :slug
      """;

  static final String PAGE_BY_HOST =
      """
      SELECT id, organization_id, slug, title, description, custom_host, created_at, updated_at
        FROM status_pages WHERE custom_host = :host
      """;

  static final String PAGE_BY_ID =
      """
      SELECT id, organization_id, slug, title, description, custom_host, created_at, updated_at
        FROM status_pages WHERE id = :id
      """;

  static final String COMPONENTS_OF_PAGE =
      """
      SELECT id, group_name, name, description, kind, subject_id, manual_state, position
        FROM status_components WHERE page_id = :page_id
       ORDER BY position, name, id
      """;

  // Incidents that touch one of the page's components and are recent or still open (or a
  // maintenance still to come): what the page and its feeds show.
  static final String INCIDENTS_OF_PAGE =
      """
      SELECT i.id, i.kind, i.title, i.impact, i.status, i.automatic, i.starts_at, i.ends_at,
             i.created_at, i.updated_at, i.resolved_at
        FROM status_incidents i
       WHERE i.id IN (SELECT ic.incident_id
                        FROM status_incident_components ic
                        JOIN status_components c ON c.id = ic.component_id
                       WHERE c.page_id = :page_id)
         AND (i.created_at >= :since OR i.resolved_at IS NULL OR i.resolved_at >= :since
              OR i.ends_at >= :since)
       ORDER BY i.created_at DESC
       LIMIT 500
      """;

  // The instance's own incidents: those of no organization.
  static final String INCIDENTS_OF_INSTANCE =
      """
      SELECT i.id, i.kind, i.title, i.impact, i.status, i.automatic, i.starts_at, i.ends_at,
             i.created_at, i.updated_at, i.resolved_at, i.subject_kind, i.subject_id
        FROM status_incidents i
       WHERE i.organization_id IS NULL
         AND (i.created_at >= :since OR i.resolved_at IS NULL OR i.resolved_at >= :since
              OR i.ends_at >= :since)
       ORDER BY i.created_at DESC
       LIMIT 500
      """;

  static final String INCIDENT_COMPONENTS =
      """
      SELECT incident_id, component_id FROM status_incident_components
       WHERE incident_id = ANY(:ids)
      """;

  static final String INCIDENT_UPDATES =
      """
      SELECT id, incident_id, status, body, created_at FROM status_incident_updates
       WHERE incident_id = ANY(:ids)
       ORDER BY created_at DESC, id DESC
      """;

  static final String INSTANCE_CHECKS =
      """
      SELECT component, state, detail, checked_at FROM status_instance_checks
      """;

  static final String PAGES_CUSTOM_HOSTS =
      """
      SELECT custom_host, slug FROM status_pages WHERE custom_host IS NOT NULL
      """;
}
