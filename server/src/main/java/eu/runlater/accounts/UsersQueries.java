package eu.runlater.accounts;

/** SQL for users, their one-use tokens, sessions and sign-in failures. */
final class UsersQueries {
  private UsersQueries() {}

  static final String USER_COLUMNS = "id, email, hashed_password, confirmed_at, superadmin";

  static final String USER_BY_EMAIL =
      "SELECT " + USER_COLUMNS + " FROM users WHERE lower(email) = lower(:email)";

  static final String USER_GET = "SELECT " + USER_COLUMNS + " FROM users WHERE id = :id";

  static final String USER_PASSWORD_HASH = "SELECT hashed_password FROM users WHERE id = :id";

  static final String USER_EMAILS = "SELECT id, email FROM users WHERE id IN (:ids)";

  static final String SUPERADMIN_EXISTS = "SELECT EXISTS (SELECT 1 FROM users WHERE superadmin)";

  // Confirmed from the start: the operator chose the address, and there may be no mail server.
  static final String USER_INSERT_SUPERADMIN =
      """
      INSERT INTO users (id, email, hashed_password, confirmed_at, superadmin, created_at,
                         updated_at)
      VALUES (:id, :email, :hashed_password, :now, true, :now, :now)
      ON CONFLICT ((lower(email))) DO NOTHING
      """;

  static final String USER_INSERT =
      """
      INSERT INTO users (id, email, hashed_password, superadmin, created_at, updated_at)
      VALUES (:id, :email, :hashed_password, :superadmin, :now, :now)
      ON CONFLICT ((lower(email))) DO NOTHING
      """;

  static final String USER_SET_PASSWORD =
      """
      UPDATE users SET hashed_password = :hashed_password, updated_at = :now WHERE id = :id
      """;

  // The first confirmation only. "kept": the link was the sign-up's welcome link, or was asked for
  // by whoever proved the password in the same session; otherwise a password set before the
  // confirmation goes. The old row is read (and locked) in the CTE: RETURNING shows new values.
  static final String USER_CONFIRM_FIRST =
      """
      WITH old AS (
        SELECT id, :password_proven OR coalesce(welcome_token_hash = :link_hash, false) AS kept
        FROM users WHERE id = :id AND confirmed_at IS NULL FOR UPDATE)
      UPDATE users u
      SET confirmed_at = :now, updated_at = :now, welcome_token_hash = NULL,
          hashed_password = CASE WHEN old.kept THEN u.hashed_password END
      FROM old WHERE u.id = old.id
      RETURNING u.email, old.kept
      """;

  static final String USER_WELCOME_LINK_SET =
      """
      UPDATE users SET welcome_token_hash = :token_hash WHERE id = :id AND confirmed_at IS NULL
      """;

  // Ends an account's sessions but the one that is signing in (Spring Session's rows).
  static final String USER_OTHER_SESSIONS_DELETE =
      """
      DELETE FROM spring_session
      WHERE lower(principal_name) = lower(:email) AND session_id <> :keep
      """;

  // Signing out everywhere after a password reset: the sessions are Spring Session's rows.
  static final String USER_CLEAR_UNCONFIRMED_PASSWORD =
      """
      UPDATE users SET hashed_password = NULL, updated_at = :now
      WHERE id = :id AND confirmed_at IS NULL
      """;

  static final String USER_TOKENS_DELETE = "DELETE FROM user_tokens WHERE user_id = :user_id";

  static final String MAGIC_LINK_INSERT =
      """
      INSERT INTO magic_link_tokens (token_hash, email, created_at, expires_at)
      VALUES (:token_hash, :email, :now, :expires_at)
      """;

  /** Spends a link: gone whether or not it was still live, returned only if it was. */
  static final String MAGIC_LINK_SPEND =
      """
      WITH spent AS (DELETE FROM magic_link_tokens WHERE token_hash = :token_hash RETURNING *)
      SELECT email, expires_at FROM spent WHERE expires_at > :now
      """;

  static final String MAGIC_LINKS_PURGE = "DELETE FROM magic_link_tokens WHERE expires_at <= :now";

  static final String MAGIC_LINKS_DELETE =
      "DELETE FROM magic_link_tokens WHERE lower(email) = lower(:email)";

  static final String USER_SESSIONS_DELETE =
      "DELETE FROM spring_session WHERE lower(principal_name) = lower(:email)";

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

  static final String SIGN_IN_FAILURE_INSERT =
      """
      INSERT INTO sign_in_failures (kind, email, client, failed_at)
      VALUES (:kind, :email, :client, :now)
      """;

  static final String SIGN_IN_FAILURES_COUNT =
      """
      SELECT count(*) FILTER (WHERE client = :client) AS by_client,
             count(*) FILTER (WHERE kind = :kind AND lower(email) = lower(:email)) AS by_email,
             count(*) FILTER (WHERE kind = :kind AND lower(email) = lower(:email)
                                AND client = :client) AS by_email_and_client
      FROM sign_in_failures
      WHERE failed_at > :since AND (client = :client OR lower(email) = lower(:email))
      """;

  static final String SIGN_IN_FAILURE_DELETE = "DELETE FROM sign_in_failures WHERE id = :id";

  // Serializes counting and recording per key until the transaction ends. The two-int form keeps
  // these locks apart from the engine's single-bigint advisory locks; 0x5349474E is "SIGN".
  static final String SIGN_IN_LOCK = "SELECT pg_advisory_xact_lock(1397311310, hashtext(:key))";

  static final String SIGN_IN_FAILURES_PURGE =
      "DELETE FROM sign_in_failures WHERE failed_at < :before";
}
