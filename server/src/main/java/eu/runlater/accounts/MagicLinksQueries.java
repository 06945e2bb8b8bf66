package eu.runlater.accounts;

/** SQL for magic_link_tokens: sign-in links, by address. */
final class MagicLinksQueries {
  private MagicLinksQueries() {}

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
}
