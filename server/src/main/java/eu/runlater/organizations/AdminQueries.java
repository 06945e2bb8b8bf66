package eu.runlater.organizations;

/** SQL for the superadmin's view across organizations. */
final class AdminQueries {
  private AdminQueries() {}

  // Ids are UUIDv7, so id order is creation order and serves as the cursor.
  static final String ADMIN_ORGANIZATIONS =
      """
      SELECT o.id, o.name, o.slug, o.tier, o.created_at,
             (SELECT count(*) FROM memberships m WHERE m.organization_id = o.id) AS members
      FROM organizations o
      WHERE o.id > :after
        AND (:pattern = '' OR o.name ILIKE :pattern OR o.slug ILIKE :pattern)
      ORDER BY o.id
      LIMIT :limit
      """;

  static final String ADMIN_ORGANIZATION =
      """
      SELECT o.id, o.name, o.slug, o.tier, o.created_at,
             (SELECT count(*) FROM memberships m WHERE m.organization_id = o.id) AS members
      FROM organizations o WHERE o.id = :id
      """;
}
