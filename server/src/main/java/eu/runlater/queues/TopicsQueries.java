package eu.runlater.queues;

/** SQL for topics and their endpoints. */
final class TopicsQueries {
  private TopicsQueries() {}

  static final String TOPIC_UPSERT =
      """
      INSERT INTO topics (id, organization_id, name, created_at, updated_at)
      VALUES (:id, :organization_id, :name, :now, :now)
      ON CONFLICT (organization_id, name) DO UPDATE SET updated_at = :now
      RETURNING id, (xmax = 0) AS created
      """;

  static final String TOPIC_ENDPOINTS_CLEAR = "DELETE FROM topic_endpoints WHERE topic_id = :id";

  static final String TOPIC_ENDPOINT_INSERT =
      """
      INSERT INTO topic_endpoints (topic_id, organization_id, position, url, headers,
                                   sealed_headers)
      VALUES (:topic_id, :organization_id, :position, :url, CAST(:headers AS jsonb),
              :sealed_headers)
      """;

  static final String TOPIC_COLUMNS =
      """
      t.id, t.organization_id, t.name, t.created_at, t.updated_at,
      (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'url', e.url, 'headers', e.headers,
                 'sealed', encode(e.sealed_headers, 'base64')) ORDER BY e.position), '[]')
       FROM topic_endpoints e WHERE e.topic_id = t.id)::text AS endpoints
      """;

  static final String TOPIC_BY_NAME =
      "SELECT "
          + TOPIC_COLUMNS
          + " FROM topics t WHERE t.organization_id = :organization_id AND t.name = :name";

  static final String TOPIC_LIST =
      "SELECT "
          + TOPIC_COLUMNS
          + " FROM topics t WHERE t.organization_id = :organization_id ORDER BY t.name";

  static final String TOPIC_DELETE =
      "DELETE FROM topics WHERE organization_id = :organization_id AND name = :name";
}
