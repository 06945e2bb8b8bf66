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
  //  - due: locks the picked rows, skipping those another node holds, and re-checks 'ready'.
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

  // The claim's own SET, aimed at tasks the completer's transaction has just inserted (no other
  // transaction can see them yet, so no lock to skip). Due by the earlier of the node's clock and
  // the database's now: clock_timestamp(), as now() would be the transaction's start, before the
  // tasks were made. A task inserted held or throttled is not ready, or not due: left alone.
  static final String TASK_HAND_OFF =
      """
      UPDATE tasks t
      SET state = 'running',
          attempt = t.attempt + 1,
          lease_token = nextval('task_lease_token_seq'),
          lease_expires_at =
            least(:now, clock_timestamp()) + (t.timeout_ms + :margin_ms) * interval '1 millisecond',
          claimed_by = :node
      WHERE t.id = ANY(:ids) AND t.state = 'ready' AND t.run_at <= least(:now, clock_timestamp())
      RETURNING t.*
      """;

  // TASK_HAND_OFF for tasks a producer's caller (the API) has just inserted in its own transaction,
  // where no task just finished to make room: each is taken only while its organization runs fewer
  // than its cap, counting the running tasks as the claim does (once, in a materialized CTE) plus
  // this node's hand-offs of that organization still in flight in other uncommitted transactions
  // (:pending, per task; HandOff keeps them). The caller passes at most one task of an
  // organization, so the count cannot miss one this statement takes itself.
  static final String TASK_HAND_OFF_WITH_ROOM =
      """
      WITH running AS MATERIALIZED (
        SELECT organization_id, sum(n)::int AS n FROM engine_running_counts()
        WHERE organization_id = ANY(:orgs)
        GROUP BY organization_id
      ),
      allowed AS MATERIALIZED (
        SELECT p.id
        FROM unnest(:ids, :orgs, :pending) AS p(id, organization_id, pending)
        LEFT JOIN running r USING (organization_id)
        LEFT JOIN organization_caps c USING (organization_id)
        WHERE coalesce(r.n, 0) + p.pending < coalesce(c.max_running, :default_cap)
      )
      UPDATE tasks t
      SET state = 'running',
          attempt = t.attempt + 1,
          lease_token = nextval('task_lease_token_seq'),
          lease_expires_at =
            least(:now, clock_timestamp()) + (t.timeout_ms + :margin_ms) * interval '1 millisecond',
          claimed_by = :node
      WHERE t.id = ANY(ARRAY(SELECT id FROM allowed)) AND t.state = 'ready' COLLATE "C"
        AND t.run_at <= least(:now, clock_timestamp())
      RETURNING t.*
      """;
}
