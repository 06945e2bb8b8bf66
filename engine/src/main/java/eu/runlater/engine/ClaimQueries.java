package eu.runlater.engine;

/**
 * SQL for taking tasks to run: the producer's claim of what is due, with how it is planned, and the
 * completer's hand-off of tasks it has just inserted. The rest of the engine's SQL is in {@link
 * TaskQueries}.
 */
final class ClaimQueries {
  private ClaimQueries() {}

  // Fair and bounded, in one statement:
  //  - running/room: tasks running per organization, counted from the running set (small: bounded
  //    by all nodes' workers) by engine_running_counts() (engine V8: a plain scan of the running-
  //    only lease index, which skips the dead entries of finished tasks once it has seen them; a
  //    bitmap scan read them all again on every claim), against each organization's cap, plus
  //    this node's tasks handed off by inserting transactions not yet committed (:handing_orgs,
  //    :handing_n: InsertedHandOffs), which run but cannot be seen running yet;
  //  - front: the oldest due tasks, walking the priorities in order, one probe of the (priority,
  //    run_at) index per priority (a plain ORDER BY priority, run_at with run_at <= now would wade
  //    through every future task of a higher priority), at most :window rows, unlocked; read by
  //    engine_claim_front() (engine V9: with sorting off its plan can only be that ordered scan;
  //    stale estimates when a backlog arrives made the planner sort every due task instead);
  //  - behind: only when the front is full yet holds fewer than :limit tasks that caps allow
  //    (an organization at its cap with a backlog would hide everyone else's tasks), a skip scan
  //    over the organizations with ready tasks (tasks_ready_org_idx, one probe per organization)
  //    takes the due tasks of those with room. The condition is an uncorrelated sub-select, so
  //    PostgreSQL evaluates it once and skips the walk entirely in the usual case;
  //  - picked: each organization's tasks in priority-then-due order, numbered; an organization gets
  //    at most its room, and the batch takes turn 1 of every organization, then turn 2, … (round
  //    robin), priority and due time breaking ties;
  //  - due: locks the picked rows, skipping those another node holds, and re-checks them as they
  //    are once locked: still ready, and still due. The front was read from the statement's
  //    snapshot; a row another transaction changed and committed since is locked in its newest
  //    version and only this re-check sees that version. A task pushed later meanwhile (a
  //    throttle's push-back, an open circuit's probe, made due at the end of its period) is passed
  //    over: checking 'ready' alone sent such a probe a second early, straight after the circuit
  //    opened (ClaimTest, HostGuardTest).
  // Due means due within :ahead_ms: 0 for the producer's claim of what is due now, the lookahead
  // (EngineConfig#lookahead) for its claim ahead of time (see Lookahead). A task claimed ahead
  // holds its lease from its due time on: the lease covers its attempt, not its wait.
  // Two nodes claiming at the same instant may each fill the same room: the cap is exact on one
  // node and can be exceeded by one batch per concurrent claimer in a cluster.
  // The UPDATE is driven from the primary key (`t.id = ANY(ARRAY(...))`): joined `FROM due`,
  // the generic plan (which cannot see the LIMIT) hash-joined the picked ids against a sequential
  // scan of the whole table on every claim (ClaimPlanTest).
  // The claim runs with a generic plan (TASK_CLAIM_PLANNING): PostgreSQL's own choice kept a custom
  // plan for it, planned anew on every claim (~1–2 ms, as long as executing it), because the
  // generic plan's estimated cost is far above a custom one's. A generic plan is kept for as long
  // as the connection lives or until the table's statistics change, so it must stay index-driven
  // whatever the table held when it was made, an empty table included (ClaimPlanTest): hence
  // sequential scans off for the claim, and `due` locating the picked rows by the primary key with
  // its state re-check written `COLLATE "C"` — the same test on a text column, but one that does
  // not prove the partial indexes' `state = 'ready'`, so a plan made on an empty table cannot walk
  // a whole ready index for the ids (it did: 36 ms a claim against 1 ms once the table had filled).
  static final String TASK_CLAIM_DUE =
      """
      WITH RECURSIVE
      running AS MATERIALIZED (
        SELECT organization_id, sum(n)::int AS n
        FROM (SELECT organization_id, n FROM engine_running_counts()
              UNION ALL
              SELECT * FROM unnest(:handing_orgs::uuid[], :handing_n::int[])) r
        GROUP BY organization_id
      ),
      room AS MATERIALIZED (
        SELECT r.organization_id, coalesce(c.max_running, :default_cap) - r.n AS room
        FROM running r LEFT JOIN organization_caps c USING (organization_id)
      ),
      capped AS MATERIALIZED (
        SELECT coalesce(array_agg(organization_id), '{}') AS ids FROM room WHERE room <= 0
      ),
      front AS MATERIALIZED (
        SELECT id, organization_id, priority, run_at
        FROM engine_claim_front(
          least(:now, now()) + :ahead_ms::int * interval '1 millisecond', :window)
      ),
      open_front AS MATERIALIZED (
        SELECT f.* FROM front f, capped WHERE f.organization_id <> ALL (capped.ids)
      ),
      orgs(organization_id) AS (
        (SELECT organization_id FROM tasks
         WHERE state = 'ready'
           AND (SELECT count(*) FROM front) >= :window
           AND (SELECT coalesce(sum(least(x.n, coalesce(r.room, oc.max_running, :default_cap))), 0)
                FROM (SELECT organization_id, count(*) AS n FROM open_front
                      GROUP BY organization_id) x
                LEFT JOIN room r USING (organization_id)
                LEFT JOIN organization_caps oc USING (organization_id)) < :limit
         ORDER BY organization_id LIMIT 1)
        UNION ALL
        SELECT (SELECT t.organization_id FROM tasks t
                WHERE t.state = 'ready' AND t.organization_id > o.organization_id
                ORDER BY t.organization_id LIMIT 1)
        FROM orgs o WHERE o.organization_id IS NOT NULL
      ),
      behind AS (
        SELECT b.id, b.organization_id, b.priority, b.run_at
        FROM orgs o
        CROSS JOIN capped
        CROSS JOIN LATERAL (
          SELECT id, organization_id, priority, run_at FROM tasks
          WHERE state = 'ready' AND organization_id = o.organization_id
            AND run_at <= least(:now, now()) + :ahead_ms::int * interval '1 millisecond'
          ORDER BY priority, run_at, id
          LIMIT :limit
        ) b
        WHERE o.organization_id IS NOT NULL AND o.organization_id <> ALL (capped.ids)
      ),
      candidates AS (
        SELECT * FROM open_front
        UNION
        SELECT * FROM behind
      ),
      ranked AS (
        SELECT c.id, c.priority, c.run_at,
               row_number() OVER (PARTITION BY c.organization_id
                                  ORDER BY c.priority, c.run_at, c.id) AS turn,
               coalesce(r.room, oc.max_running, :default_cap) AS room
        FROM candidates c
        LEFT JOIN room r USING (organization_id)
        LEFT JOIN organization_caps oc USING (organization_id)
      ),
      picked AS (
        SELECT id FROM ranked WHERE turn <= room
        ORDER BY turn, priority, run_at, id
        LIMIT :limit
      ),
      due AS (
        SELECT t.id FROM tasks t
        WHERE t.id = ANY(ARRAY(SELECT id FROM picked)) AND t.state = 'ready' COLLATE "C"
          AND t.run_at <= least(:now, now()) + :ahead_ms::int * interval '1 millisecond'
        FOR UPDATE SKIP LOCKED
      )
      UPDATE tasks t
      SET state = 'running',
          attempt = t.attempt + 1,
          lease_token = nextval('task_lease_token_seq'),
          lease_expires_at =
            greatest(t.run_at, least(:now, now()))
              + (t.timeout_ms + :margin_ms) * interval '1 millisecond',
          claimed_by = :node
      WHERE t.id = ANY(ARRAY(SELECT id FROM due))
      RETURNING t.*
      """;

  /**
   * Set in the claim's transaction before {@link #TASK_CLAIM_DUE}, and {@link
   * #TASK_CLAIM_PLANNING_RESET} after it, so that the claim alone runs with them (not the claim
   * hook's statements after it): one round trip each, against a millisecond or two of planning.
   */
  static final String TASK_CLAIM_PLANNING =
      "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off";

  static final String TASK_CLAIM_PLANNING_RESET =
      "SET LOCAL plan_cache_mode TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT";

  // TaskQueries.TASK_INSERT that claims, as it inserts them, the rows flagged :hand (each task a
  // free worker of this node is reserved for): such a row is inserted running, with its first
  // attempt, a lease and a fencing token, as the producer's claim would leave it, so a hand-off
  // costs no statement of its own and no second version of the row. Only when it would have been
  // inserted ready and due: not held by an open circuit, not throttled past now, due by the earlier
  // of the node's clock and the database's (clock_timestamp(): now() is the transaction's start).
  // %s is the condition on room, if any (TASK_INSERT_CLAIMING_WITH_ROOM). Returns the rows claimed.
  private static final String INSERT_CLAIMING =
      """
      WITH %s n AS MATERIALIZED (
        SELECT u.*, h.circuit, h.throttled_until,
               u.hand AND h.circuit IS DISTINCT FROM 'open'
                 AND greatest(u.run_at, h.throttled_until) <= least(:now, clock_timestamp())
                 %s AS claimed
        FROM unnest(:id::uuid[], :organization_id::uuid[], :source_kind::text[],
                    :source_id::uuid[], :priority::smallint[], :run_at::timestamptz[],
                    :scheduled_for::timestamptz[], :max_attempts::int[], :url::text[],
                    :method::text[], :headers::jsonb[], :sealed_headers::bytea[], :body::bytea[],
                    :body_sealed::boolean[], :timeout_ms::int[], :backoff_base_ms::int[],
                    :backoff_max_ms::int[], :created_at::timestamptz[], :target_host::text[],
                    :sealed_url::bytea[], :hand::boolean[], :pending::int[])
             AS u(id, organization_id, source_kind, source_id, priority, run_at, scheduled_for,
                  max_attempts, url, method, headers, sealed_headers, body, body_sealed,
                  timeout_ms, backoff_base_ms, backoff_max_ms, created_at, target_host,
                  sealed_url, hand, pending)
        LEFT JOIN host_states h ON h.organization_id = u.organization_id AND h.host = u.target_host
        %s
      ),
      inserted AS (
        INSERT INTO tasks (id, organization_id, source_kind, source_id, priority, run_at,
                           scheduled_for, max_attempts, url, method, headers, sealed_headers, body,
                           body_sealed, timeout_ms, backoff_base_ms, backoff_max_ms, created_at,
                           target_host, state, held_by, held_since, held_until, held_note,
                           sealed_url, attempt, lease_token, lease_expires_at, claimed_by)
        SELECT n.id, n.organization_id, n.source_kind, n.source_id, n.priority,
               greatest(n.run_at, n.throttled_until),
               n.scheduled_for, n.max_attempts, n.url, n.method, n.headers, n.sealed_headers,
               n.body, n.body_sealed, n.timeout_ms, n.backoff_base_ms, n.backoff_max_ms,
               n.created_at, n.target_host,
               CASE WHEN n.circuit = 'open' THEN 'held' WHEN n.claimed THEN 'running'
                    ELSE 'ready' END,
               CASE WHEN n.circuit = 'open' THEN 'host_circuit'
                    WHEN n.throttled_until > greatest(n.run_at, n.created_at)
                    THEN 'host_throttle' END,
               CASE WHEN n.circuit = 'open'
                      OR n.throttled_until > greatest(n.run_at, n.created_at)
                    THEN greatest(n.run_at, n.created_at) END,
               CASE WHEN n.circuit <> 'open'
                     AND n.throttled_until > greatest(n.run_at, n.created_at)
                    THEN n.throttled_until END,
               CASE WHEN n.circuit = 'open'
                      OR n.throttled_until > greatest(n.run_at, n.created_at)
                    THEN n.target_host END,
               n.sealed_url,
               CASE WHEN n.claimed THEN 1 ELSE 0 END,
               CASE WHEN n.claimed THEN nextval('task_lease_token_seq') END,
               CASE WHEN n.claimed
                    THEN least(:now, clock_timestamp())
                           + (n.timeout_ms + :margin_ms) * interval '1 millisecond' END,
               CASE WHEN n.claimed THEN :node END
        FROM n
        RETURNING tasks.*
      )
      SELECT * FROM inserted WHERE state = 'running'
      """;

  /**
   * {@link #INSERT_CLAIMING} for the completer: each flagged row takes an ended attempt's place.
   */
  static final String TASK_INSERT_CLAIMING = INSERT_CLAIMING.formatted("", "", "");

  // INSERT_CLAIMING for tasks a producer's caller (the API) inserts in its own transaction, where
  // no attempt just ended to make room: a flagged row is claimed only while its organization runs
  // fewer than its cap, counting the running tasks as the claim does (once, in a materialized CTE)
  // plus this node's hand-offs of that organization still in flight in other uncommitted
  // transactions (:pending, per row; HandOff keeps them). At most one row of an organization is
  // flagged, so the count cannot miss one this statement takes itself.
  static final String TASK_INSERT_CLAIMING_WITH_ROOM =
      INSERT_CLAIMING.formatted(
          """
          running AS MATERIALIZED (
            SELECT organization_id, sum(n)::int AS n FROM engine_running_counts()
            WHERE organization_id = ANY(:orgs)
            GROUP BY organization_id
          ),
          """,
          "AND coalesce(r.n, 0) + u.pending < coalesce(oc.max_running, :default_cap)",
          """
          LEFT JOIN running r ON r.organization_id = u.organization_id
          LEFT JOIN organization_caps oc ON oc.organization_id = u.organization_id
          """);
}
