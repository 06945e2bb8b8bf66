package eu.runlater.engine;

/** SQL for the engine's tables, named noun-first. */
final class TaskQueries {
  private TaskQueries() {}

  /** The notification channel that carries "a task is due at <epoch ms>" between nodes. */
  static final String WAKE_CHANNEL = "runlater_tasks";

  // A task for a target its organization sees throttled is due no earlier than the throttle; one
  // whose circuit is open waits as 'held' (see HostGuard). Either way it remembers what holds it
  // (held_by, V4), so its attempt can say why it started late: a join with a table that holds
  // only targets in trouble, usually none. All the tasks of one insert go in one statement, each
  // column bound as one array (TASK_COLUMNS): one plan per call, where a JDBC batch planned and
  // ran the statement once per task (68 µs of PostgreSQL's time per task, 2026-12-03).
  static final String TASK_INSERT =
      """
      INSERT INTO tasks (id, organization_id, source_kind, source_id, priority, run_at,
                         scheduled_for, max_attempts, url, method, headers, sealed_headers, body,
                         body_sealed, timeout_ms, backoff_base_ms, backoff_max_ms, created_at,
                         target_host, state, held_by, held_since, held_until, held_note,
                         sealed_url)
      SELECT n.id, n.organization_id, n.source_kind, n.source_id, n.priority,
             greatest(n.run_at, h.throttled_until),
             n.scheduled_for, n.max_attempts, n.url, n.method, n.headers, n.sealed_headers,
             n.body, n.body_sealed, n.timeout_ms, n.backoff_base_ms, n.backoff_max_ms,
             n.created_at, n.target_host,
             CASE WHEN h.circuit = 'open' THEN 'held' ELSE 'ready' END,
             CASE WHEN h.circuit = 'open' THEN 'host_circuit'
                  WHEN h.throttled_until > greatest(n.run_at, n.created_at)
                  THEN 'host_throttle' END,
             CASE WHEN h.circuit = 'open' OR h.throttled_until > greatest(n.run_at, n.created_at)
                  THEN greatest(n.run_at, n.created_at) END,
             CASE WHEN h.circuit <> 'open' AND h.throttled_until > greatest(n.run_at, n.created_at)
                  THEN h.throttled_until END,
             CASE WHEN h.circuit = 'open' OR h.throttled_until > greatest(n.run_at, n.created_at)
                  THEN n.target_host END,
             n.sealed_url
      FROM unnest(:id::uuid[], :organization_id::uuid[], :source_kind::text[], :source_id::uuid[],
                  :priority::smallint[], :run_at::timestamptz[], :scheduled_for::timestamptz[],
                  :max_attempts::int[], :url::text[], :method::text[], :headers::jsonb[],
                  :sealed_headers::bytea[], :body::bytea[], :body_sealed::boolean[],
                  :timeout_ms::int[], :backoff_base_ms::int[], :backoff_max_ms::int[],
                  :created_at::timestamptz[], :target_host::text[], :sealed_url::bytea[])
           AS n(id, organization_id, source_kind, source_id, priority, run_at, scheduled_for,
                max_attempts, url, method, headers, sealed_headers, body, body_sealed, timeout_ms,
                backoff_base_ms, backoff_max_ms, created_at, target_host, sealed_url)
      LEFT JOIN host_states h ON h.organization_id = n.organization_id AND h.host = n.target_host
      """;

  /** The type of each column of TASK_INSERT. */
  static final java.util.Map<String, String> TASK_COLUMNS =
      java.util.Map.ofEntries(
          java.util.Map.entry("id", "uuid"),
          java.util.Map.entry("organization_id", "uuid"),
          java.util.Map.entry("source_kind", "text"),
          java.util.Map.entry("source_id", "uuid"),
          java.util.Map.entry("priority", "smallint"),
          java.util.Map.entry("run_at", "timestamptz"),
          java.util.Map.entry("scheduled_for", "timestamptz"),
          java.util.Map.entry("max_attempts", "int"),
          java.util.Map.entry("url", "text"),
          java.util.Map.entry("method", "text"),
          java.util.Map.entry("headers", "jsonb"),
          java.util.Map.entry("sealed_headers", "bytea"),
          java.util.Map.entry("body", "bytea"),
          java.util.Map.entry("body_sealed", "boolean"),
          java.util.Map.entry("timeout_ms", "int"),
          java.util.Map.entry("backoff_base_ms", "int"),
          java.util.Map.entry("backoff_max_ms", "int"),
          java.util.Map.entry("created_at", "timestamptz"),
          java.util.Map.entry("target_host", "text"),
          java.util.Map.entry("sealed_url", "bytea"));

  static final String WAKE_NOTIFY = "SELECT pg_notify('" + WAKE_CHANNEL + "', :payload)";

  /** Carries "interrupt the attempt of task <id>" to whichever node runs it. */
  static final String CANCEL_CHANNEL = "runlater_cancel";

  static final String CANCEL_NOTIFY = "SELECT pg_notify('" + CANCEL_CHANNEL + "', :payload)";

  static final String TASK_CANCEL_RUNNING =
      """
      DELETE FROM tasks WHERE id = ANY(:ids::uuid[]) AND state = 'running' RETURNING id
      """;

  static final String TASK_NEXT_DUE =
      """
      SELECT min(n.run_at) AS next_run_at, now() AS db_now
      FROM generate_series(0, 9) AS p(priority)
      CROSS JOIN LATERAL (
        SELECT run_at FROM tasks
        WHERE state = 'ready' AND priority = p.priority
        ORDER BY run_at
        LIMIT 1
      ) n
      """;

  // Fenced: only the attempt still holding the lease may finish the task (a token is set by the
  // claim and cleared by every way out of 'running', so matching it implies the state). The three
  // completions below are driven from the primary key, `t.id = ANY(:ids)`, and deliberately do not
  // name the state: with `state = 'running'` the planner could pick the running-only lease index
  // and, estimating one running row, rescan it for every id of the batch; under load that turned
  // 50-row completions into multi-second statements, lost leases and duplicate deliveries.
  static final String TASK_COMPLETE =
      """
      DELETE FROM tasks t
      USING unnest(:ids::uuid[], :tokens::bigint[]) AS c(id, token)
      WHERE t.id = ANY(:ids::uuid[]) AND t.id = c.id AND t.lease_token = c.token
      RETURNING t.id, c.token
      """;

  // A stopping node hands back what it could not finish, as if it had never claimed it.
  static final String TASK_RELEASE =
      """
      UPDATE tasks t
      SET state = 'ready', attempt = t.attempt - 1, lease_token = NULL, lease_expires_at = NULL,
          claimed_by = NULL
      FROM unnest(:ids::uuid[], :tokens::bigint[]) AS c(id, token)
      WHERE t.id = ANY(:ids::uuid[]) AND t.id = c.id AND t.lease_token = c.token
      RETURNING t.id
      """;

  // A claim hook hands a claimed task back unstarted, due later (a queue's rate limit).
  static final String TASK_DEFER_CLAIMED =
      """
      UPDATE tasks t
      SET state = 'ready', attempt = t.attempt - 1, run_at = c.run_at, lease_token = NULL,
          lease_expires_at = NULL, claimed_by = NULL
      FROM unnest(:ids::uuid[], :tokens::bigint[], :run_ats::timestamptz[]) AS c(id, token, run_at)
      WHERE t.id = ANY(:ids::uuid[]) AND t.id = c.id AND t.lease_token = c.token
      RETURNING t.id
      """;

  static final String TASK_ABANDON_EXPIRED =
      """
      DELETE FROM tasks
      WHERE id IN (SELECT id FROM tasks
                   WHERE state = 'running' AND lease_expires_at < least(:now, now())
                     AND rescues >= :max_rescues
                   ORDER BY lease_expires_at LIMIT :limit
                   FOR UPDATE SKIP LOCKED)
      RETURNING *
      """;

  // The next attempt of a rescued task says the earlier one was lost with its node (held_*); the
  // lost attempt's own execution keeps what held it before (lost_held_*). Expired by the earlier of
  // the leader's clock and the database's, as leases are stamped (ClaimQueries#TASK_CLAIM_DUE): a
  // leader whose
  // clock runs ahead does not take a task from a node that still holds its lease.
  static final String TASK_RESCUE_EXPIRED =
      """
      WITH expired AS (
        SELECT id, claimed_by, run_at, held_by, held_since, held_until, held_note FROM tasks
        WHERE state = 'running' AND lease_expires_at < least(:now, now())
        ORDER BY lease_expires_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
      )
      UPDATE tasks t
      SET state = 'ready', run_at = greatest(t.run_at, least(:now, now())), lease_token = NULL,
          lease_expires_at = NULL, claimed_by = NULL, rescues = t.rescues + 1,
          held_by = 'node_lost', held_since = :now, held_until = :now, held_note = e.claimed_by
      FROM expired e
      WHERE t.id = e.id
      RETURNING t.*, e.claimed_by AS lost_by, e.run_at AS lost_due_at,
                e.held_by AS lost_held_by, e.held_since AS lost_held_since,
                e.held_until AS lost_held_until, e.held_note AS lost_held_note
      """;

  // SKIP LOCKED: a task being claimed right now is left to run; never wait on a claim, whose
  // hook may be waiting on the caller's job row.
  static final String TASK_DELETE_PENDING_BY_SOURCE =
      """
      DELETE FROM tasks
      WHERE id IN (SELECT id FROM tasks
                   WHERE organization_id = :organization_id AND source_id = :source_id
                     AND state <> 'running'
                   FOR UPDATE SKIP LOCKED)
      RETURNING id
      """;

  // Waiting tasks of many sources; with :unstarted, only those never attempted (a task waiting
  // for its retry has started). SKIP LOCKED as above.
  static final String TASK_DELETE_PENDING_BY_SOURCES =
      """
      DELETE FROM tasks
      WHERE id IN (SELECT id FROM tasks
                   WHERE source_id = ANY(:source_ids::uuid[]) AND organization_id = :organization_id
                     AND state <> 'running' AND (NOT :unstarted OR attempt = 0)
                   FOR UPDATE SKIP LOCKED)
      RETURNING source_id
      """;

  // One waiting task by id. SKIP LOCKED as above: a task being claimed right now is left to run
  // (under the definition it was created with).
  static final String TASK_DELETE_WAITING =
      """
      DELETE FROM tasks
      WHERE id IN (SELECT id FROM tasks
                   WHERE id = :id AND organization_id = :organization_id AND state <> 'running'
                   FOR UPDATE SKIP LOCKED)
      RETURNING run_at, scheduled_for
      """;

  static final String TASK_SET_SCHEDULED_FOR =
      "UPDATE tasks SET scheduled_for = :scheduled_for WHERE id = :id";

  static final String ORGANIZATION_TASKS_DELETE =
      "DELETE FROM tasks WHERE organization_id = :organization_id";

  static final String ORGANIZATION_EXECUTIONS_DELETE =
      "DELETE FROM executions WHERE organization_id = :organization_id";

  static final String ORGANIZATION_CAP_DELETE =
      "DELETE FROM organization_caps WHERE organization_id = :organization_id";

  // Rows in primary-key order, so that two nodes reconciling at the same start-up lock them in the
  // same order and cannot deadlock; an unchanged cap is not rewritten.
  static final String ORGANIZATION_CAPS_UPSERT =
      """
      INSERT INTO organization_caps (organization_id, max_running)
      SELECT c.organization_id, c.max_running
      FROM unnest(:organization_ids::uuid[], :max_running::int[]) AS c(organization_id, max_running)
      ORDER BY c.organization_id
      ON CONFLICT (organization_id) DO UPDATE SET max_running = excluded.max_running
      WHERE organization_caps.max_running IS DISTINCT FROM excluded.max_running
      """;

  // Every execution of a completer batch in one statement, each column bound as one array: one
  // plan and one round trip per batch, where a JDBC batch of single-row inserts (rewritten by the
  // driver into multi-row statements of 1, 2, 4 … 128 rows) sent up to eight differently shaped
  // statements per batch, each with 32 parameters a row to bind and plan. The column types are
  // EXECUTION_COLUMNS (ExecutionRows binds each column's values as an array of its type).
  // An INSERT of executions from one array per column (EXECUTION_COLUMNS); %1$s adds arrays after
  // them, %2$s their names, %3$s what follows the unnest (a join that keeps some of its rows).
  private static final String EXECUTION_INSERT =
      """
      INSERT INTO executions (id, created_at, organization_id, task_id, source_kind, source_id,
                              attempt, status, final, scheduled_for, due_at, started_at,
                              finished_at, duration_us, status_code, error, node, next_attempt_at,
                              request_url, request_method, request_headers,
                              request_sealed_headers, request_body, request_body_sealed,
                              response_headers, response_body, response_truncated, held_by,
                              held_since, held_until, held_note, request_sealed_url,
                              request_headers_derived)
      SELECT e.id, e.created_at, e.organization_id, e.task_id, e.source_kind, e.source_id,
             e.attempt, e.status, e.final, e.scheduled_for, e.due_at, e.started_at,
             e.finished_at, e.duration_us, e.status_code, e.error, e.node, e.next_attempt_at,
             e.request_url, e.request_method, e.request_headers, e.request_sealed_headers,
             e.request_body, e.request_body_sealed, e.response_headers, e.response_body,
             e.response_truncated, e.held_by, e.held_since, e.held_until, e.held_note,
             e.request_sealed_url, e.request_headers_derived
      FROM unnest(:id::uuid[], :created_at::timestamptz[], :organization_id::uuid[],
                  :task_id::uuid[], :source_kind::text[], :source_id::uuid[], :attempt::int[],
                  :status::text[], :final::boolean[], :scheduled_for::timestamptz[],
                  :due_at::timestamptz[], :started_at::timestamptz[],
                  :finished_at::timestamptz[], :duration_us::bigint[], :status_code::int[],
                  :error::text[], :node::text[], :next_attempt_at::timestamptz[],
                  :request_url::text[], :request_method::text[], :request_headers::jsonb[],
                  :request_sealed_headers::bytea[], :request_body::bytea[],
                  :request_body_sealed::boolean[], :response_headers::jsonb[],
                  :response_body::bytea[], :response_truncated::boolean[], :held_by::text[],
                  :held_since::timestamptz[], :held_until::timestamptz[], :held_note::text[],
                  :request_sealed_url::bytea[], :request_headers_derived::boolean[]%1$s)
           AS e(id, created_at, organization_id, task_id, source_kind, source_id, attempt,
                status, final, scheduled_for, due_at, started_at, finished_at, duration_us,
                status_code, error, node, next_attempt_at, request_url, request_method,
                request_headers, request_sealed_headers, request_body, request_body_sealed,
                response_headers, response_body, response_truncated, held_by, held_since,
                held_until, held_note, request_sealed_url, request_headers_derived%2$s)
      %3$s
      """;

  static final String EXECUTION_INSERT_MANY = EXECUTION_INSERT.formatted("", "", "");

  // The completer's one write of a batch's attempts: finished tasks removed and retried ones
  // returned to ready, each only while its attempt still holds the lease (fencing token), and an
  // execution appended for exactly those: one round trip where three statements took three. Data-
  // modifying CTEs share one snapshot, and the INSERT sees what the DELETE and the UPDATE returned.
  // A retry starts afresh: what held the attempt that just ended is in its execution row. The
  // executions' columns are EXECUTION_COLUMNS plus :token (the attempt's, not stored).
  static final String TASK_RECORD_ATTEMPTS =
      """
      WITH completed AS (
        DELETE FROM tasks t
        USING unnest(:done_ids::uuid[], :done_tokens::bigint[]) AS c(id, token)
        WHERE t.id = ANY(:done_ids::uuid[]) AND t.id = c.id AND t.lease_token = c.token
        RETURNING t.id, c.token
      ),
      retried AS (
        UPDATE tasks t
        SET state = 'ready', run_at = c.run_at, lease_token = NULL, lease_expires_at = NULL,
            claimed_by = NULL, held_by = NULL, held_since = NULL, held_until = NULL,
            held_note = NULL
        FROM unnest(:retry_ids::uuid[], :retry_tokens::bigint[], :run_ats::timestamptz[])
             AS c(id, token, run_at)
        WHERE t.id = ANY(:retry_ids::uuid[]) AND t.id = c.id AND t.lease_token = c.token
        RETURNING t.id, c.token
      ),
      accepted AS (
        SELECT id, token FROM completed UNION ALL SELECT id, token FROM retried
      ),
      recorded AS (
      """
          + EXECUTION_INSERT.formatted(
              ", :token::bigint[]",
              ", token",
              "JOIN accepted a ON a.id = e.task_id AND a.token = e.token")
          + """
      )
      SELECT id, token FROM accepted
      """;

  /** The type of each column of EXECUTION_INSERT_MANY. */
  static final java.util.Map<String, String> EXECUTION_COLUMNS =
      java.util.Map.ofEntries(
          java.util.Map.entry("id", "uuid"),
          java.util.Map.entry("created_at", "timestamptz"),
          java.util.Map.entry("organization_id", "uuid"),
          java.util.Map.entry("task_id", "uuid"),
          java.util.Map.entry("source_kind", "text"),
          java.util.Map.entry("source_id", "uuid"),
          java.util.Map.entry("attempt", "int"),
          java.util.Map.entry("status", "text"),
          java.util.Map.entry("final", "boolean"),
          java.util.Map.entry("scheduled_for", "timestamptz"),
          java.util.Map.entry("due_at", "timestamptz"),
          java.util.Map.entry("started_at", "timestamptz"),
          java.util.Map.entry("finished_at", "timestamptz"),
          java.util.Map.entry("duration_us", "bigint"),
          java.util.Map.entry("status_code", "int"),
          java.util.Map.entry("error", "text"),
          java.util.Map.entry("node", "text"),
          java.util.Map.entry("next_attempt_at", "timestamptz"),
          java.util.Map.entry("request_url", "text"),
          java.util.Map.entry("request_method", "text"),
          java.util.Map.entry("request_headers", "jsonb"),
          java.util.Map.entry("request_headers_derived", "boolean"),
          java.util.Map.entry("request_sealed_headers", "bytea"),
          java.util.Map.entry("request_body", "bytea"),
          java.util.Map.entry("request_body_sealed", "boolean"),
          java.util.Map.entry("response_headers", "jsonb"),
          java.util.Map.entry("response_body", "bytea"),
          java.util.Map.entry("response_truncated", "boolean"),
          java.util.Map.entry("held_by", "text"),
          java.util.Map.entry("held_since", "timestamptz"),
          java.util.Map.entry("held_until", "timestamptz"),
          java.util.Map.entry("held_note", "text"),
          java.util.Map.entry("request_sealed_url", "bytea"));

  // Takes the lock and, in the same statement, records this session's pid as the leader's in the
  // node's row, clearing it from every other row: a silent leader is found by its pid (see
  // LEADER_SILENT_HOLDER), and a pid that a stale row still names may belong to another session by
  // now. The lock is taken once (a materialized CTE); the UPDATE runs only when it was granted.
  static final String LEADER_TRY_ACQUIRE =
      """
      WITH lock AS MATERIALIZED (SELECT pg_try_advisory_lock(:key) AS got),
      mark AS (
        UPDATE engine_nodes
        SET leader_pid = CASE WHEN node_id = :node THEN pg_backend_pid() END
        WHERE (SELECT got FROM lock) AND (node_id = :node OR leader_pid IS NOT NULL)
        RETURNING 1
      )
      SELECT got FROM lock
      """;

  // The session holding the leader lock in this database, when the node that recorded it as its
  // leader session has sent no heartbeat for :dead_after_ms (by the database's clock). A holder no
  // node row names (a node of an older version) is never reported: its lease expiry still rescues.
  // pg_locks is read only for a node row that qualifies (a lateral subquery runs per outer row):
  // every follower asks this on every pass, and reading pg_locks builds the whole lock table.
  static final String LEADER_SILENT_HOLDER =
      """
      SELECT l.pid, n.node_id, n.heartbeat_at
      FROM engine_nodes n
      CROSS JOIN LATERAL (
        SELECT l.pid FROM pg_locks l
        WHERE l.pid = n.leader_pid AND l.locktype = 'advisory' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) = :key
      ) l
      WHERE n.leader_pid IS NOT NULL AND n.node_id <> :node
        AND n.heartbeat_at < now() - :dead_after_ms * interval '1 millisecond'
      """;

  // Ends a silent leader's session, waiting (PostgreSQL 14+) until it is gone and its lock with it.
  // Needs the same role as the other nodes (or pg_signal_backend).
  static final String LEADER_TERMINATE = "SELECT pg_terminate_backend(:pid, :wait_ms::bigint)";

  // The leader's session answering: it still holds the lock it took (see Leader#holds).
  static final String LEADER_ALIVE = "SELECT true";

  static final String LEADER_RELEASE = "SELECT pg_advisory_unlock(:key)";

  static final String PARTITION_LIST =
      """
      SELECT c.relname FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = 'executions'
      """;
}
