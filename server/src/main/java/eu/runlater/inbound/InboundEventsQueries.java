package eu.runlater.inbound;

/** SQL for {@code inbound_events} and {@code inbound_dedup}. */
final class InboundEventsQueries {
  private InboundEventsQueries() {}

  static final String EVENT_INSERT =
      """
      INSERT INTO inbound_events (id, organization_id, source_id, received_at, method, path, query,
        headers, body, body_size, source_ip, status, reason, verification, event_key)
      VALUES (:id, :organization_id, :source_id, :received_at, :method, :path, :query,
        CAST(:headers AS jsonb), :body, :body_size, :source_ip, :status, :reason,
        CAST(:verification AS jsonb), :event_key)
      """;

  /**
   * Claims an event id for 24 h: inserts it, or takes over a row whose 24 h are over. No row
   * returned: another request of this source had the id within 24 h (a duplicate).
   */
  static final String DEDUP_CLAIM =
      """
      INSERT INTO inbound_dedup (source_id, event_key, event_id, expires_at)
      VALUES (:source_id, :event_key, :event_id, :expires_at)
      ON CONFLICT (source_id, event_key) DO UPDATE
        SET event_id = EXCLUDED.event_id, expires_at = EXCLUDED.expires_at
        WHERE inbound_dedup.expires_at <= :now
      RETURNING event_id
      """;

  /** Events, many in one statement (one row each of the arrays' positions). */
  static final String EVENTS_INSERT =
      """
      INSERT INTO inbound_events (id, organization_id, source_id, received_at, method, path, query,
        headers, body, body_size, source_ip, status, reason, verification, event_key)
      SELECT id, organization_id, source_id, received_at, method, path, query,
             CAST(headers AS jsonb), body, body_size, source_ip, status, reason,
             CAST(verification AS jsonb), event_key
        FROM unnest(CAST(:ids AS uuid[]), CAST(:organization_ids AS uuid[]),
                    CAST(:source_ids AS uuid[]), CAST(:received_at AS timestamptz[]),
                    CAST(:methods AS text[]), CAST(:paths AS text[]), CAST(:queries AS text[]),
                    CAST(:headers AS text[]), CAST(:bodies AS bytea[]), CAST(:body_sizes AS bigint[]),
                    CAST(:source_ips AS text[]), CAST(:statuses AS text[]), CAST(:reasons AS text[]),
                    CAST(:verifications AS text[]), CAST(:event_keys AS text[]))
          AS e(id, organization_id, source_id, received_at, method, path, query, headers, body,
               body_size, source_ip, status, reason, verification, event_key)
      """;

  /**
   * {@link #DEDUP_CLAIM} for many event ids at once (each (source, key) at most once, in one order
   * so that two batches wait on each other's keys in the same order): returns the ids of the events
   * that claimed theirs. A row's 24 h are over when it expires before the new claim's receipt time,
   * i.e. its own expiry minus 24 h.
   */
  static final String DEDUP_CLAIM_ALL =
      """
      INSERT INTO inbound_dedup (source_id, event_key, event_id, expires_at)
      SELECT * FROM unnest(CAST(:source_ids AS uuid[]), CAST(:event_keys AS bytea[]),
                           CAST(:event_ids AS uuid[]), CAST(:expires_at AS timestamptz[]))
      ON CONFLICT (source_id, event_key) DO UPDATE
        SET event_id = EXCLUDED.event_id, expires_at = EXCLUDED.expires_at
        WHERE inbound_dedup.expires_at <= EXCLUDED.expires_at - interval '24 hours'
      RETURNING event_id
      """;

  static final String EVENT_COLUMNS =
      """
      e.id, e.source_id, s.name AS source_name, e.received_at, e.method, e.path, e.query,
      e.headers::text AS headers, e.body, e.body_size, e.source_ip, e.status, e.reason,
      e.verification::text AS verification, e.event_key
      """;

  static final String EVENT_GET =
      "SELECT "
          + EVENT_COLUMNS
          + """
           FROM inbound_events e JOIN inbound_sources s ON s.id = e.source_id
          WHERE e.organization_id = :organization_id AND e.id = :id
          """;

  /**
   * The filters of the events list and of a replay by filter; a null parameter does not filter.
   * {@code q} matches a request whose body holds it (as UTF-8 bytes) or whose headers do.
   */
  static final String EVENT_FILTER =
      """
      e.organization_id = :organization_id
        AND (CAST(:source_id AS uuid) IS NULL OR e.source_id = CAST(:source_id AS uuid))
        AND (CAST(:status AS text) IS NULL OR e.status = CAST(:status AS text))
        AND (CAST(:since AS timestamptz) IS NULL OR e.received_at >= CAST(:since AS timestamptz))
        AND (CAST(:until AS timestamptz) IS NULL OR e.received_at < CAST(:until AS timestamptz))
        AND (CAST(:q AS text) IS NULL
             OR position(convert_to(CAST(:q AS text), 'UTF8') IN e.body) > 0
             OR strpos(e.headers::text, CAST(:q AS text)) > 0)
      """;

  static final String EVENT_LIST =
      "SELECT "
          + EVENT_COLUMNS
          + " FROM inbound_events e JOIN inbound_sources s ON s.id = e.source_id WHERE "
          + EVENT_FILTER
          + """
            AND (CAST(:cursor AS uuid) IS NULL OR e.id < CAST(:cursor AS uuid))
          ORDER BY e.id DESC
          LIMIT :limit
          """;

  /** Requests a replay may forward again: those that were accepted or duplicates. */
  private static final String REPLAYABLE = " AND e.status IN ('accepted', 'duplicate') ";

  static final String EVENT_REPLAY_COUNT =
      "SELECT count(*) FROM inbound_events e WHERE " + EVENT_FILTER + REPLAYABLE;

  /** The oldest first, as they were received. */
  static final String EVENT_REPLAY_MATCHING =
      """
      SELECT e.id, e.source_id, e.status, e.method, e.path, e.query, e.headers::text AS headers,
             e.body
        FROM inbound_events e WHERE
      """
          + EVENT_FILTER
          + REPLAYABLE
          + " ORDER BY e.id LIMIT :limit";

  static final String EVENT_REPLAY_ONE =
      """
      SELECT e.id, e.source_id, e.status, e.method, e.path, e.query, e.headers::text AS headers,
             e.body
        FROM inbound_events e WHERE e.organization_id = :organization_id AND e.id = :id
      """;

  /**
   * Deletes up to {@code :batch} requests of a tier's organizations received before {@code :before}
   * (their forwards go with them). Ids are UUIDv7 of the time received, so {@code id < :bound} (the
   * first id of that millisecond) walks the primary key instead of every row.
   */
  static final String EVENT_PURGE_OLD =
      """
      DELETE FROM inbound_events WHERE id IN (
        SELECT e.id FROM inbound_events e JOIN organizations o ON o.id = e.organization_id
         WHERE e.id < :bound AND e.received_at < :before AND o.tier = :tier
         LIMIT :batch)
      """;

  /**
   * The live feed's fingerprint of an organization's requests: the newest, and how many since
   * {@code :bound} (the first id of a time; ids are UUIDv7 of the time received), up to 10,000.
   * Both walk the (organization_id, id) index.
   */
  static final String EVENT_FINGERPRINT =
      """
      SELECT (SELECT id FROM inbound_events WHERE organization_id = :organization_id
              ORDER BY id DESC LIMIT 1) AS newest,
             (SELECT count(*) FROM (
                SELECT 1 FROM inbound_events
                WHERE organization_id = :organization_id AND id >= :bound LIMIT 10000) r) AS recent
      """;

  static final String DEDUP_PURGE_EXPIRED = "DELETE FROM inbound_dedup WHERE expires_at <= :now";
}
