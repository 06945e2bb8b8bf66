package eu.runlater.inbound;

/** SQL for {@code inbound_sources}. */
final class SourcesQueries {
  private SourcesQueries() {}

  static final String SOURCE_COLUMNS =
      """
      id, organization_id, name, token, verification_type, verification, sealed_secret,
      dedup_header, dedup_json_path, response_status, response_body, response_type,
      rate_requests, rate_window_s, created_at, updated_at, version,
      (SELECT o.tier FROM organizations o WHERE o.id = inbound_sources.organization_id) AS tier
      """;

  static final String SOURCE_INSERT =
      """
      INSERT INTO inbound_sources (id, organization_id, name, token, verification_type,
        verification, sealed_secret, dedup_header, dedup_json_path, response_status,
        response_body, response_type, rate_requests, rate_window_s, created_at, updated_at)
      VALUES (:id, :organization_id, :name, :token, :verification_type,
        CAST(:verification AS jsonb), :sealed_secret, :dedup_header, :dedup_json_path,
        :response_status, :response_body, :response_type, :rate_requests, :rate_window_s,
        :now, :now)
      """;

  static final String SOURCE_UPDATE =
      """
      UPDATE inbound_sources SET name = :name, verification_type = :verification_type,
        verification = CAST(:verification AS jsonb), sealed_secret = :sealed_secret,
        dedup_header = :dedup_header, dedup_json_path = :dedup_json_path,
        response_status = :response_status, response_body = :response_body,
        response_type = :response_type, rate_requests = :rate_requests,
        rate_window_s = :rate_window_s, updated_at = :now, version = version + 1
      WHERE organization_id = :organization_id AND id = :id
      """;

  static final String SOURCE_GET =
      "SELECT "
          + SOURCE_COLUMNS
          + " FROM inbound_sources WHERE organization_id = :organization_id AND id = :id";

  static final String SOURCE_EXISTS =
      """
      SELECT EXISTS (SELECT 1 FROM inbound_sources
                      WHERE organization_id = :organization_id AND id = :id)
      """;

  static final String SOURCE_BY_TOKEN =
      "SELECT " + SOURCE_COLUMNS + " FROM inbound_sources WHERE token = :token";

  static final String SOURCE_LIST =
      "SELECT "
          + SOURCE_COLUMNS
          + """
           FROM inbound_sources
          WHERE organization_id = :organization_id
            AND (CAST(:cursor AS uuid) IS NULL OR id < CAST(:cursor AS uuid))
          ORDER BY id DESC
          LIMIT :limit
          """;

  static final String SOURCE_ROTATE_TOKEN =
      """
      UPDATE inbound_sources SET token = :token, updated_at = :now, version = version + 1
      WHERE organization_id = :organization_id AND id = :id
      """;

  static final String SOURCE_DELETE =
      "DELETE FROM inbound_sources WHERE organization_id = :organization_id AND id = :id";

  /**
   * The versions of a batch's sources, FOR SHARE: a change of one of them waits until the batch
   * committed, so a request the batch stores was verified with its source as it was when the batch
   * committed. Locked in id order, so that two batches take the rows in the same order.
   */
  static final String SOURCE_FENCE =
      """
      SELECT id, version FROM inbound_sources
       WHERE id = ANY (CAST(:ids AS uuid[]))
       ORDER BY id
         FOR SHARE
      """;
}
