package eu.runlater.accounts;

/** SQL for user_tokens: one-use links of a user (password reset). */
final class UserTokensQueries {
  private UserTokensQueries() {}

  static final String USER_TOKENS_DELETE = "DELETE FROM user_tokens WHERE user_id = :user_id";

  static final String USER_TOKEN_INSERT =
      """
      INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at)
      VALUES (:token_hash, :user_id, :purpose, :now, :expires_at)
      """;

  // Spends the token in the statement that checks it, so two clicks cannot both use it.
  static final String USER_TOKEN_SPEND =
      """
      UPDATE user_tokens SET used_at = :now
      WHERE token_hash = :token_hash AND purpose = :purpose AND used_at IS NULL
        AND expires_at > :now
      RETURNING user_id
      """;

  static final String USER_TOKEN_PEEK =
      """
      SELECT user_id FROM user_tokens
      WHERE token_hash = :token_hash AND purpose = :purpose AND used_at IS NULL
        AND expires_at > :now
      """;

  static final String USER_TOKENS_PURGE = "DELETE FROM user_tokens WHERE expires_at < :before";
}
