package eu.runlater.accounts;

/** SQL for sign_in_failures and the locks that count them one at a time. */
final class SignInFailuresQueries {
  private SignInFailuresQueries() {}

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
