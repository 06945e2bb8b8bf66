package eu.runlater.status;

/** SQL of {@code status_pages} and {@code status_components} (the management side). */
final class StatusPagesQueries {
  private StatusPagesQueries() {}

  /** Serializes page creations of one organization, so the tier's cap holds under races. */
  static final String PAGES_LOCK_ORGANIZATION =
      """
      SELECT pg_advisory_xact_lock(hashtextextended('status_pages:' || :organization_id, 0))
      """;

  static final String PAGES_COUNT =
      """
      SELECT count(*) FROM status_pages WHERE organization_id = :organization_id
      """;

  static final String PAGES_LIST =
      """
      SELECT p.*, (SELECT count(*) FROM status_components c WHERE c.page_id = p.id) AS components
        FROM status_pages p
       WHERE p.organization_id = :organization_id
       ORDER BY p.title, p.id
      """;

  static final String PAGES_PAGE =
      """
      SELECT p.*, (SELECT count(*) FROM status_components c WHERE c.page_id = p.id) AS components
        FROM status_pages p
       WHERE p.organization_id = :organization_id
         AND (CAST(:before AS uuid) IS NULL OR p.id < :before)
       ORDER BY p.id DESC
       LIMIT :limit
      """;

  static final String PAGE_GET =
      """
      SELECT p.*, (SELECT count(*) FROM status_components c WHERE c.page_id = p.id) AS components
        FROM status_pages p
       WHERE p.organization_id = :organization_id AND p.id = :id
      """;

  static final String PAGE_SLUG_TAKEN =
      """
      SELECT EXISTS (SELECT 1 FROM status_pages WHERE slug = :slug
                      AND (CAST(:id AS uuid) IS NULL OR id <> :id))
      """;

  static final String PAGE_HOST_TAKEN =
      """
      SELECT EXISTS (SELECT 1 FROM status_pages WHERE custom_host = :host
                      AND (CAST(:id AS uuid) IS NULL OR id <> :id))
      """;

  static final String PAGE_INSERT =
      """
      INSERT INTO status_pages (id, organization_id, slug, title, description, custom_host,
                                created_at, updated_at)
      VALUES (:id, :organization_id, :slug, :title, :description, :custom_host, :now, :now)
      """;

  static final String PAGE_UPDATE =
      """
      UPDATE status_pages
         SET slug = :slug, title = :title, description = :description,
             custom_host = :custom_host, updated_at = :now
       WHERE organization_id = :organization_id AND id = :id
      """;

  static final String PAGE_DELETE =
      """
      DELETE FROM status_pages WHERE organization_id = :organization_id AND id = :id
      """;

  static final String COMPONENTS_OF_PAGES =
      """
      SELECT * FROM status_components
       WHERE page_id = ANY(:page_ids)
       ORDER BY page_id, position, id
      """;

  static final String COMPONENT_INSERT =
      """
      INSERT INTO status_components (id, page_id, group_name, name, description, kind, subject_id,
                                     manual_state, position)
      VALUES (:id, :page_id, :group_name, :name, :description, :kind, :subject_id,
              :manual_state, :position)
      """;

  static final String COMPONENT_UPDATE =
      """
      UPDATE status_components
         SET group_name = :group_name, name = :name, description = :description, kind = :kind,
             subject_id = :subject_id, manual_state = :manual_state, position = :position
       WHERE page_id = :page_id AND id = :id
      """;

  static final String COMPONENTS_DELETE_OTHERS =
      """
      DELETE FROM status_components WHERE page_id = :page_id AND NOT (id = ANY(:keep))
      """;

  static final String COMPONENT_SET_STATE =
      """
      UPDATE status_components c
         SET manual_state = :manual_state
        FROM status_pages p
       WHERE p.id = c.page_id AND p.organization_id = :organization_id
         AND c.page_id = :page_id AND c.id = :id AND c.kind = 'manual'
      """;

  static final String PAGE_TOUCH =
      """
      UPDATE status_pages SET updated_at = :now WHERE id = :id
      """;
}
