package eu.runlater.apikeys;

/** SQL for the api_keys table, named noun-first. */
final class ApiKeysQueries {
  private ApiKeysQueries() {}

  static final String API_KEY_INSERT =
      """
      INSERT INTO api_keys (id, organization_id, public_id, secret_hash, name, created_by,
                            created_at, scope)
      VALUES (:id, :organization_id, :public_id, :secret_hash, :name, :created_by, :now, :scope)
      """;

  // With the organization's tier, which the principal carries (a job create needs it).
  static final String API_KEY_BY_PUBLIC_ID =
      """
      SELECT k.id, k.organization_id, k.public_id, k.secret_hash, k.last_used_at, k.revoked_at,
             k.scope, o.tier
      FROM api_keys k JOIN organizations o ON o.id = k.organization_id
      WHERE k.public_id = :public_id
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
