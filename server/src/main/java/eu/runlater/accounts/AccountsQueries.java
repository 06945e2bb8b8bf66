package eu.runlater.accounts;

/** SQL for the accounts tables, named noun-first. */
final class AccountsQueries {
  private AccountsQueries() {}

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

  static final String INSTANCE_SETTING_CLAIM =
      """
      INSERT INTO instance_settings (key, value) VALUES (:key, :value)
      ON CONFLICT (key) DO NOTHING
      """;

  static final String API_KEY_INSERT =
      """
      INSERT INTO api_keys (id, organization_id, public_id, secret_hash, name, created_by,
                            created_at, scope)
      VALUES (:id, :organization_id, :public_id, :secret_hash, :name, :created_by, :now, :scope)
      """;

  static final String API_KEY_BY_PUBLIC_ID =
      """
      SELECT id, organization_id, public_id, secret_hash, last_used_at, revoked_at, scope
      FROM api_keys WHERE public_id = :public_id
      """;

  static final String API_KEY_LIST =
      """
      SELECT id, public_id, name, created_by, created_at, last_used_at, revoked_at, scope
      FROM api_keys WHERE organization_id = :organization_id
      ORDER BY created_at DESC, id DESC
      """;

  static final String API_KEY_GET =
      """
      SELECT id, public_id, name, created_by, created_at, last_used_at, revoked_at, scope
      FROM api_keys WHERE organization_id = :organization_id AND id = :id
      """;

  // Conditional, so concurrent requests and several nodes write at most once a minute.
  static final String API_KEY_TOUCH =
      """
      UPDATE api_keys SET last_used_at = :now
      WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :now - interval '1 minute')
      """;

  static final String API_KEY_REVOKE =
      """
      UPDATE api_keys SET revoked_at = :now
      WHERE organization_id = :organization_id AND id = :id AND revoked_at IS NULL
      """;
}
