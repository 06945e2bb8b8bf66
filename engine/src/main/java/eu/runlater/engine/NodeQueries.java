package eu.runlater.engine;

/**
 * SQL for {@code engine_nodes} (node liveness, V6) and for handing the running tasks of nodes that
 * are gone to the others. Times that decide liveness are the database's ({@code now()}), never a
 * node's own clock.
 */
final class NodeQueries {
  private NodeQueries() {}

  // At start: a new row, or a row of the same node id made new (an engine started again).
  static final String NODE_REGISTER =
      """
      INSERT INTO engine_nodes (node_id, started_at, heartbeat_at, version, host, pid, state)
      VALUES (:node, now(), now(), :version, :host, :pid, 'alive')
      ON CONFLICT (node_id) DO UPDATE
      SET started_at = now(), heartbeat_at = now(), version = excluded.version,
          host = excluded.host, pid = excluded.pid, state = 'alive', dead_at = NULL,
          leader_pid = NULL, clock_offset_ms = NULL
      RETURNING started_at
      """;

  // Only while the row says alive: a node the leader declared dead (its tasks handed on) learns it
  // from the missing row count, and re-registers knowingly (NODE_REVIVE). The leader's
  // declaration and this update take the same row lock; whichever comes second re-checks its WHERE
  // on the row the first one wrote. Written on the node's own session: its pid is the leader
  // lock's holder when it leads. Returns the database's clock, which the node compares with its
  // own (Heartbeat#ahead); records the offset the previous heartbeat measured, for the operator.
  // With the nodes in each state (the gauges), read in the same statement: the row was alive
  // before and after, so the statement's snapshot counts what a query after it would. With the
  // cluster's running tasks, whose share per live node bounds the insert hand-off (HandOff).
  static final String NODE_HEARTBEAT =
      """
      UPDATE engine_nodes
      SET heartbeat_at = now(), leader_pid = CASE WHEN :leading THEN pg_backend_pid() END,
          clock_offset_ms = :clock_offset_ms
      WHERE node_id = :node AND state = 'alive'
      RETURNING now() AS db_now,
        (SELECT count(*) FILTER (WHERE n.state = 'alive') FROM engine_nodes n)::int AS alive,
        (SELECT count(*) FILTER (WHERE n.state = 'dead') FROM engine_nodes n)::int AS dead,
        (SELECT count(*) FILTER (WHERE n.state = 'stopped') FROM engine_nodes n)::int AS stopped,
        (SELECT coalesce(sum(r.n), 0) FROM engine_running_counts() r)::int AS running
      """;

  static final String NODE_GET =
      "SELECT state, heartbeat_at, dead_at FROM engine_nodes WHERE node_id = :node";

  // Back after being declared dead (or its row pruned or emptied): alive again, same start time.
  static final String NODE_REVIVE =
      """
      INSERT INTO engine_nodes (node_id, started_at, heartbeat_at, version, host, pid, state,
                                leader_pid, clock_offset_ms)
      VALUES (:node, :started_at, now(), :version, :host, :pid, 'alive',
              CASE WHEN :leading THEN pg_backend_pid() END, :clock_offset_ms)
      ON CONFLICT (node_id) DO UPDATE
      SET heartbeat_at = now(), state = 'alive', dead_at = NULL, leader_pid = excluded.leader_pid,
          clock_offset_ms = excluded.clock_offset_ms
      RETURNING now() AS db_now
      """;

  static final String NODE_STOP =
      """
      UPDATE engine_nodes SET state = 'stopped', heartbeat_at = now(), leader_pid = NULL
      WHERE node_id = :node
      """;

  static final String NODE_COUNTS =
      "SELECT state, count(*)::int AS n FROM engine_nodes GROUP BY state";

  // The leader's declaration: alive nodes silent for longer than :dead_after_ms by the database's
  // clock. Never the leader itself (its heartbeat shares its session), never a stopped node.
  static final String NODE_DECLARE_DEAD =
      """
      UPDATE engine_nodes
      SET state = 'dead', dead_at = now(), leader_pid = NULL
      WHERE state = 'alive' AND node_id <> :node
        AND heartbeat_at < now() - :dead_after_ms * interval '1 millisecond'
      RETURNING node_id, heartbeat_at
      """;

  // The leader's question before its pass: which of its steps have anything to do. One cheap
  // statement instead of a dozen that find nothing on an idle node (issue 18, target 8); each flag
  // is the WHERE of the step it gates, so a step skipped had nothing to find when asked. What
  // appears after the probe is found by the next pass, a maintenance interval later.
  //  - silent: alive nodes NODE_DECLARE_DEAD would declare dead;
  //  - gone: running tasks of nodes not alive (TASK_ABANDON/HAND_ON_OF_GONE_NODES);
  //  - expired: running tasks whose lease has expired (TASK_ABANDON/RESCUE_EXPIRED);
  //  - hosts: a host_states row or a held task (what HostGuard reads and repairs).
  static final String MAINTENANCE_PROBE =
      """
      SELECT
        EXISTS (SELECT 1 FROM engine_nodes
                WHERE state = 'alive' AND node_id <> :node
                  AND heartbeat_at < now() - :dead_after_ms * interval '1 millisecond') AS silent,
        EXISTS (SELECT 1 FROM engine_running_counts() r
                JOIN engine_nodes n ON n.node_id = r.claimed_by
                WHERE n.state <> 'alive') AS gone,
        EXISTS (SELECT 1 FROM tasks
                WHERE state = 'running' AND lease_expires_at < least(:now, now())) AS expired,
        EXISTS (SELECT 1 FROM host_states)
          OR EXISTS (SELECT 1 FROM tasks WHERE state = 'held') AS hosts
      """;

  // Rows of nodes gone (dead or stopped) for longer than :keep_ms.
  static final String NODE_PRUNE =
      """
      DELETE FROM engine_nodes
      WHERE state <> 'alive'
        AND coalesce(dead_at, heartbeat_at) < now() - :keep_ms * interval '1 millisecond'
      """;

  // Running tasks of nodes that are not alive: just declared dead, declared earlier (a claim that
  // committed after the declaration), or stopped without handing back what they held. Those past
  // :max_rescues lost attempts are abandoned (TASK_ABANDON_OF_GONE_NODES) before the rest are
  // handed on, as for expired leases. Running tasks are few (bounded by the workers of all nodes):
  // the running-only lease index finds them.
  static final String TASK_ABANDON_OF_GONE_NODES =
      """
      WITH gone AS (
        SELECT t.id, n.state AS node_state, n.heartbeat_at AS node_heartbeat_at
        FROM tasks t JOIN engine_nodes n ON n.node_id = t.claimed_by
        WHERE t.state = 'running' AND n.state <> 'alive' AND t.rescues >= :max_rescues
        LIMIT :limit
        FOR UPDATE OF t SKIP LOCKED
      )
      DELETE FROM tasks t USING gone g
      WHERE t.id = g.id
      RETURNING t.*, g.node_state, g.node_heartbeat_at
      """;

  // As TASK_RESCUE_EXPIRED, for the tasks of nodes that are gone: ready at once (by the database's
  // clock too: a leader whose clock runs ahead must not push them into its future), a new lease
  // token at the next claim (the old attempt's completion matches no row), the next attempt told
  // that the earlier one was lost with its node.
  static final String TASK_HAND_ON_OF_GONE_NODES =
      """
      WITH gone AS (
        SELECT t.id, t.claimed_by, t.run_at, t.held_by, t.held_since, t.held_until, t.held_note,
               n.state AS node_state, n.heartbeat_at AS node_heartbeat_at
        FROM tasks t JOIN engine_nodes n ON n.node_id = t.claimed_by
        WHERE t.state = 'running' AND n.state <> 'alive'
        LIMIT :limit
        FOR UPDATE OF t SKIP LOCKED
      )
      UPDATE tasks t
      SET state = 'ready', run_at = greatest(t.run_at, least(:now, now())), lease_token = NULL,
          lease_expires_at = NULL, claimed_by = NULL, rescues = t.rescues + 1,
          held_by = 'node_lost', held_since = :now, held_until = :now, held_note = g.claimed_by
      FROM gone g
      WHERE t.id = g.id
      RETURNING t.*, g.claimed_by AS lost_by, g.run_at AS lost_due_at,
                g.held_by AS lost_held_by, g.held_since AS lost_held_since,
                g.held_until AS lost_held_until, g.held_note AS lost_held_note,
                g.node_state, g.node_heartbeat_at
      """;

  // Every node as the superadmin sees it: the leader is the node whose recorded session holds the
  // lock in this database right now; running counts its claimed tasks; ages on the database's
  // clock. Alive nodes first, then the most recently heard of.
  static final String NODE_LIST =
      """
      SELECT n.node_id, n.host, n.pid, n.version, n.started_at, n.heartbeat_at, n.state,
             n.dead_at, n.clock_offset_ms, now() AS db_now,
             EXISTS (SELECT 1 FROM pg_locks l
                     WHERE l.locktype = 'advisory' AND l.granted AND l.pid = n.leader_pid
                       AND l.database = (SELECT oid FROM pg_database
                                         WHERE datname = current_database())
                       AND ((l.classid::bigint << 32) | l.objid::bigint) = :key) AS leader,
             coalesce(r.running, 0) AS running
      FROM engine_nodes n
      LEFT JOIN (SELECT claimed_by, sum(n)::int AS running FROM engine_running_counts()
                 GROUP BY claimed_by) r ON r.claimed_by = n.node_id
      ORDER BY n.state = 'alive' DESC, n.heartbeat_at DESC, n.node_id
      LIMIT :limit
      """;
}
