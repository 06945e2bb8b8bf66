package eu.runlater.status;

/** SQL of {@code status_subscribers}. */
final class SubscribersQueries {
  private SubscribersQueries() {}

  // A new subscriber, or a fresh token for one who asks again (the old link stops working).
  static final String SUBSCRIBER_UPSERT =
      """
      INSERT INTO status_subscribers (id, page_id, email, token_hash, token_sealed, created_at)
      VALUES (:id, :page_id, :email, :token_hash, :token_sealed, :now)
      ON CONFLICT (page_id, email) DO UPDATE
         SET token_hash = EXCLUDED.token_hash, token_sealed = EXCLUDED.token_sealed
      RETURNING confirmed_at
      """;

  static final String SUBSCRIBER_CONFIRM =
      """
      UPDATE status_subscribers SET confirmed_at = COALESCE(confirmed_at, :now)
       WHERE token_hash = :token_hash
      """;

  static final String SUBSCRIBER_BY_TOKEN =
      """
      SELECT s.page_id, s.email, s.confirmed_at, p.slug, p.title
        FROM status_subscribers s JOIN status_pages p ON p.id = s.page_id
       WHERE s.token_hash = :token_hash
      """;

  static final String SUBSCRIBER_DELETE =
      """
      DELETE FROM status_subscribers WHERE token_hash = :token_hash RETURNING page_id, email
      """;

  static final String SUBSCRIBERS_CONFIRMED =
      """
      SELECT s.id, s.page_id, s.email, s.token_sealed, p.slug, p.title
        FROM status_subscribers s JOIN status_pages p ON p.id = s.page_id
       WHERE s.page_id = ANY(:page_ids) AND s.confirmed_at IS NOT NULL
       ORDER BY s.page_id, s.email
      """;
}
