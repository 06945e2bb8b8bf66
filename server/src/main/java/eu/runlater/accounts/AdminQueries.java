package eu.runlater.accounts;

/** SQL for the superadmin's views across organizations and for admin API keys. */
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

  static final String API_KEY_MAKE_ADMIN = "UPDATE api_keys SET admin = true WHERE id = :id";

  // An admin key works while it is live and its creator is a superadmin now, not when it was made.
  static final String API_KEY_ADMITS =
      """
      SELECT EXISTS (
        SELECT 1 FROM api_keys k JOIN users u ON u.id = k.created_by
        WHERE k.id = :id AND k.admin AND k.revoked_at IS NULL AND u.superadmin)
      """;

  static final String API_KEY_ADMIN_IDS =
      "SELECT id FROM api_keys WHERE organization_id = :organization_id AND admin";
}
