package eu.runlater.inbound;

/** SQL for {@code inbound_connections} and {@code inbound_forwards}. */
final class ConnectionsQueries {
  private ConnectionsQueries() {}

  static final String CONNECTION_INSERT =
      """
      INSERT INTO inbound_connections (id, organization_id, source_id, name, destination_url,
        method, filter, transform, timeout_ms, retries, parallelism, rate_limit, rate_period_ms,
        paused, created_at, updated_at)
      VALUES (:id, :organization_id, :source_id, :name, :destination_url, :method, :filter,
        :transform, :timeout_ms, :retries, :parallelism, :rate_limit, :rate_period_ms, false,
        :now, :now)
      """;

  static final String CONNECTION_UPDATE =
      """
      UPDATE inbound_connections SET source_id = :source_id, name = :name,
        destination_url = :destination_url, method = :method, filter = :filter,
        transform = :transform, timeout_ms = :timeout_ms, retries = :retries,
        parallelism = :parallelism, rate_limit = :rate_limit, rate_period_ms = :rate_period_ms,
        updated_at = :now
      WHERE organization_id = :organization_id AND id = :id AND deleted_at IS NULL
      """;

  static final String CONNECTION_GET =
      """
      SELECT * FROM inbound_connections
      WHERE organization_id = :organization_id AND id = :id AND deleted_at IS NULL
      """;

  static final String CONNECTION_LOCK =
      """
      SELECT * FROM inbound_connections
      WHERE organization_id = :organization_id AND id = :id AND deleted_at IS NULL FOR UPDATE
      """;

  static final String CONNECTION_LIST =
      """
      SELECT * FROM inbound_connections
      WHERE organization_id = :organization_id AND deleted_at IS NULL
        AND (CAST(:cursor AS uuid) IS NULL OR id < CAST(:cursor AS uuid))
        AND (CAST(:source_id AS uuid) IS NULL OR source_id = CAST(:source_id AS uuid))
      ORDER BY id DESC
      LIMIT :limit
      """;

  /**
   * A source's connections, locked against a pause or resume while a request is planned: a resume
   * that commits first releases the held forwards it sees; a request planned first is seen by it.
   */
  static final String CONNECTIONS_OF_SOURCE =
      """
      SELECT * FROM inbound_connections WHERE source_id = :source_id AND deleted_at IS NULL
       ORDER BY id FOR SHARE
      """;

  /** The connections of several sources, locked in one order (id) whatever the caller's. */
  static final String CONNECTIONS_OF_SOURCES =
      """
      SELECT * FROM inbound_connections
       WHERE source_id = ANY(CAST(:source_ids AS uuid[])) AND deleted_at IS NULL
       ORDER BY id FOR SHARE
      """;

  static final String CONNECTION_SET_PAUSED =
      """
      UPDATE inbound_connections SET paused = :paused, updated_at = :now
      WHERE organization_id = :organization_id AND id = :id AND deleted_at IS NULL
      """;

  // Kept, marked deleted (inbound V5): its forwards are the record of what it forwarded.
  static final String CONNECTION_DELETE =
      """
      UPDATE inbound_connections SET deleted_at = :now, updated_at = :now
      WHERE organization_id = :organization_id AND id = :id AND deleted_at IS NULL
      """;

  /** What a deleted connection held while paused is never forwarded: it says so. */
  static final String FORWARDS_HELD_DROP =
      """
      UPDATE inbound_forwards SET state = 'failed',
        detail = 'Not forwarded: the connection was deleted while it was paused'
      WHERE connection_id = :connection_id AND state = 'held'
      """;

  /** Forwards, many in one statement (one row each of the arrays' positions). */
  static final String FORWARD_INSERT =
      """
      INSERT INTO inbound_forwards (id, organization_id, event_id, connection_id, state, detail,
        created_at, queued_at)
      SELECT id, organization_id, event_id, connection_id, state, detail, created_at,
             CASE WHEN state = 'queued' THEN created_at END
        FROM unnest(CAST(:ids AS uuid[]), CAST(:organization_ids AS uuid[]),
                    CAST(:event_ids AS uuid[]), CAST(:connection_ids AS uuid[]),
                    CAST(:states AS text[]), CAST(:details AS text[]),
                    CAST(:created AS timestamptz[]))
          AS f(id, organization_id, event_id, connection_id, state, detail, created_at)
      """;

  static final String FORWARDS_HELD =
      """
      SELECT f.id AS forward_id, e.id AS event_id, e.method, e.path, e.query,
             e.headers::text AS headers, e.body
        FROM inbound_forwards f JOIN inbound_events e ON e.id = f.event_id
       WHERE f.connection_id = :connection_id AND f.state = 'held'
       ORDER BY f.id
       LIMIT :limit
      """;

  static final String FORWARD_SET_STATE =
      """
      UPDATE inbound_forwards SET state = :state, detail = :detail,
        queued_at = CASE WHEN :state = 'queued' THEN CAST(:now AS timestamptz) END
      WHERE id = :id
      """;

  static final String FORWARDS_OF_EVENT =
      """
      SELECT f.id, CASE WHEN c.deleted_at IS NULL THEN f.connection_id END AS connection_id,
             c.name || CASE WHEN c.deleted_at IS NULL THEN '' ELSE ' (deleted)' END
               AS connection_name,
             c.destination_url, f.state,
             f.detail, f.created_at, f.queued_at
        FROM inbound_forwards f JOIN inbound_connections c ON c.id = f.connection_id
       WHERE f.organization_id = :organization_id AND f.event_id = :event_id
       ORDER BY f.id
      """;

  /** Every attempt of a forward's task, from the engine's history (read only). */
  static final String FORWARD_ATTEMPTS =
      """
      SELECT id, source_id, attempt, status, status_code, started_at, finished_at, error
        FROM executions
       WHERE organization_id = :organization_id AND source_id IN (:forward_ids)
       ORDER BY source_id, attempt
      """;

  /** A forward's request, source and connection, for the execution history's link. */
  static final String FORWARD_OWNER =
      """
      SELECT f.event_id, s.id AS source_id, s.name AS source_name,
             c.name || CASE WHEN c.deleted_at IS NULL THEN '' ELSE ' (deleted)' END
               AS connection_name
        FROM inbound_forwards f
        JOIN inbound_connections c ON c.id = f.connection_id
        JOIN inbound_events e ON e.id = f.event_id
        JOIN inbound_sources s ON s.id = e.source_id
       WHERE f.organization_id = :organization_id AND f.id = :id
      """;
}
