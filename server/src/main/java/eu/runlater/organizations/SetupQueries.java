package eu.runlater.organizations;

/**
 * SQL for the one-time setup link that creates the first owner: a read model over platform's
 * instance_settings and accounts' users, because issuing must check "no superadmin yet" in the
 * statement that writes the link, so that of several nodes starting together exactly one issues.
 * Every other instance_settings access goes through platform's InstanceSettings.
 */
final class SetupQueries {
  private SetupQueries() {}

  /** The instance setting holding the SHA-256 (hex) of the live setup token. */
  static final String SETUP_TOKEN_KEY = "setup_token_sha256";

  /**
   * Issues a setup token while no superadmin exists, replacing one issued before {@code
   * :reissue_before}. One statement, so of several nodes starting together exactly one issues: the
   * others find the row fresh and change nothing.
   */
  static final String SETUP_TOKEN_ISSUE =
      """
      INSERT INTO instance_settings (key, value, updated_at)
      SELECT :key, :token_hash, :now
      WHERE NOT EXISTS (SELECT 1 FROM users WHERE superadmin)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
      WHERE instance_settings.updated_at < :reissue_before
      """;

  static final String SETUP_TOKEN_LIVE =
      "SELECT count(*) FROM instance_settings WHERE key = :key AND value = :token_hash";

  // Spends the token in the statement that checks it, so two submissions cannot both use it.
  static final String SETUP_TOKEN_SPEND =
      "DELETE FROM instance_settings WHERE key = :key AND value = :token_hash";
}
