package eu.runlater.accounts;

/** SQL for users and their sessions (Spring Session's rows), named noun-first. */
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

  static final String USER_SESSIONS_DELETE =
      "DELETE FROM spring_session WHERE lower(principal_name) = lower(:email)";
}
