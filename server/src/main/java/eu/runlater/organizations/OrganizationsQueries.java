package eu.runlater.organizations;

/** SQL for the organizations table (and its engine cap), named noun-first. */
final class OrganizationsQueries {
  private OrganizationsQueries() {}

  static final String ORGANIZATION_INSERT =
      """
      INSERT INTO organizations (id, name, slug, tier, signing_secret, created_at, updated_at)
      VALUES (:id, :name, :slug, :tier, :signing_secret, :now, :now)
      """;

  // FOR SHARE: a tier change committing meanwhile is waited for and read, never overwritten with
  // the tier it replaced (TierConcurrency).
  static final String ORGANIZATION_TIERS = "SELECT id, tier FROM organizations FOR SHARE";

  static final String ORGANIZATION_GET =
      """
      SELECT id, name, slug, tier, created_at, updated_at FROM organizations WHERE id = :id
      """;

  static final String ORGANIZATION_BY_SLUG =
      """
      SELECT id, name, slug, tier, created_at, updated_at FROM organizations WHERE slug = :slug
      """;

  static final String ORGANIZATION_RENAME =
      """
      UPDATE organizations SET name = :name, updated_at = :now WHERE id = :id
      """;

  static final String ORGANIZATION_SET_TIER =
      """
      UPDATE organizations SET tier = :tier, updated_at = :now WHERE id = :id
      """;

  // A table holding an organization's rows without a foreign key to it; the rest cascade, and
  // the engine forgets its own (Tenants.forget).
  static final String ORGANIZATION_DELETE_UNLINKED =
      "DELETE FROM job_pauses WHERE organization_id = :id";

  static final String ORGANIZATION_DELETE = "DELETE FROM organizations WHERE id = :id";

  // The current secret becomes the previous one, which signs until :expires_at.
  static final String ORGANIZATION_ROTATE_SIGNING_SECRET =
      """
      UPDATE organizations
      SET previous_signing_secret = signing_secret,
          previous_secret_expires_at = :expires_at,
          signing_secret = :signing_secret,
          updated_at = :now
      WHERE id = :id
      """;

  static final String ORGANIZATION_SIGNING_SECRETS =
      """
      SELECT signing_secret, previous_signing_secret, previous_secret_expires_at
      FROM organizations WHERE id = :id
      """;

  // Taken at the start of every team change, so two concurrent changes cannot both remove the
  // last owner or both take the last free seat.
  static final String ORGANIZATION_LOCK =
      "SELECT tier FROM organizations WHERE id = :id FOR UPDATE";

  static final String ORGANIZATION_TIER = "SELECT tier FROM organizations WHERE id = :id";

  // A signed-in user is limited by the best tier among their organizations.
  static final String USER_BEST_TIER =
      """
      SELECT o.tier FROM users u
      JOIN memberships m ON m.user_id = u.id
      JOIN organizations o ON o.id = m.organization_id
      WHERE u.email = :email
      ORDER BY o.tier = 'pro' DESC
      LIMIT 1
      """;
}
