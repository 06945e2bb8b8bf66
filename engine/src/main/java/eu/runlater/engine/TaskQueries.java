package eu.runlater.engine;

/** SQL for the engine's tables, named noun-first. */
final class TaskQueries {
  private TaskQueries() {}

  /** The notification channel that carries "a task is due at <epoch ms>" between nodes. */
  static final String WAKE_CHANNEL = "runlater_tasks";

  static final String TASK_INSERT =
      """
      INSERT INTO tasks (id, organization_id, source_kind, source_id, priority, run_at,
                         scheduled_for, max_attempts, url, method, headers, sealed_headers, body,
                         body_sealed, timeout_ms, backoff_base_ms, backoff_max_ms, created_at)
      VALUES (:id, :organization_id, :source_kind, :source_id, :priority, :run_at,
              :scheduled_for, :max_attempts, :url, :method, :headers::jsonb, :sealed_headers,
              :body, :body_sealed, :timeout_ms, :backoff_base_ms, :backoff_max_ms, :created_at)
      """;

  static final String WAKE_NOTIFY = "SELECT pg_notify('" + WAKE_CHANNEL + "', :payload)";

  /** Carries "interrupt the attempt of task <id>" to whichever node runs it. */
  static final String CANCEL_CHANNEL = "runlater_cancel";

  static final String CANCEL_NOTIFY = "SELECT pg_notify('" + CANCEL_CHANNEL + "', :payload)";

  static final String TASK_CANCEL_RUNNING =
      """
      DELETE FROM tasks WHERE id = ANY(:ids::uuid[]) AND state = 'running' RETURNING id
      """;

  // Walks the priorities in order and, for each, takes the oldest due tasks from the
  // (priority, run_at) index. A plain ORDER BY priority, run_at with run_at <= now would wade
  // through every future task of a higher priority before reaching a due one of a lower; one
  // probe per priority stays cheap however many tasks wait in the future. The outer LIMIT stops
  // pulling (and locking) once the batch is full.
  static final String TASK_CLAIM_DUE =
      """
      WITH due AS (
        SELECT d.id
        FROM generate_series(0, 9) AS p(priority)
        CROSS JOIN LATERAL (
          SELECT id FROM tasks
          WHERE state = 'ready' AND priority = p.priority AND run_at <= :now
          ORDER BY run_at, id
          LIMIT :limit
          FOR UPDATE SKIP LOCKED
        ) d
        LIMIT :limit
      )
      UPDATE tasks t
      SET state = 'running',
          attempt = t.attempt + 1,
          lease_token = nextval('task_lease_token_seq'),
          lease_expires_at = :now + (t.timeout_ms + :margin_ms) * interval '1 millisecond',
          claimed_by = :node
      FROM due
      WHERE t.id = due.id
      RETURNING t.*
      """;

  static final String TASK_NEXT_DUE =
      """
      SELECT min(n.run_at) AS next_run_at
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

  static final String TASK_RETRY_LATER =
      """
      UPDATE tasks t
      SET state = 'ready', run_at = c.run_at, lease_token = NULL, lease_expires_at = NULL,
          claimed_by = NULL
      FROM unnest(:ids::uuid[], :tokens::bigint[], :run_ats::timestamptz[]) AS c(id, token, run_at)
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

  static final String TASK_ABANDON_EXPIRED =
      """
      DELETE FROM tasks
      WHERE id IN (SELECT id FROM tasks
                   WHERE state = 'running' AND lease_expires_at < :now AND rescues >= :max_rescues
                   ORDER BY lease_expires_at LIMIT :limit
                   FOR UPDATE SKIP LOCKED)
      RETURNING *
      """;

  static final String TASK_RESCUE_EXPIRED =
      """
      WITH expired AS (
        SELECT id, claimed_by, run_at FROM tasks
        WHERE state = 'running' AND lease_expires_at < :now
        ORDER BY lease_expires_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
      )
      UPDATE tasks t
      SET state = 'ready', run_at = :now, lease_token = NULL, lease_expires_at = NULL,
          claimed_by = NULL, rescues = t.rescues + 1
      FROM expired e
      WHERE t.id = e.id
      RETURNING t.*, e.claimed_by AS lost_by, e.run_at AS lost_due_at
      """;

  // SKIP LOCKED: a task being claimed right now is left to run; never wait on a claim, whose
  // hook may be waiting on the caller's job row.
  static final String TASK_DELETE_PENDING_BY_SOURCE =
      """
      DELETE FROM tasks
      WHERE id IN (SELECT id FROM tasks
                   WHERE organization_id = :organization_id AND source_id = :source_id
                     AND state = 'ready'
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
                     AND state = 'ready' AND (NOT :unstarted OR attempt = 0)
                   FOR UPDATE SKIP LOCKED)
      RETURNING source_id
      """;

  static final String EXECUTION_INSERT =
      """
      INSERT INTO executions (id, created_at, organization_id, task_id, source_kind, source_id,
                              attempt, status, final, scheduled_for, due_at, started_at,
                              finished_at, duration_us, status_code, error, node, next_attempt_at,
                              request_url, request_method, request_headers,
                              request_sealed_headers, request_body, request_body_sealed,
                              response_headers, response_body, response_truncated)
      VALUES (:id, :created_at, :organization_id, :task_id, :source_kind, :source_id,
              :attempt, :status, :final, :scheduled_for, :due_at, :started_at,
              :finished_at, :duration_us, :status_code, :error, :node, :next_attempt_at,
              :request_url, :request_method, :request_headers::jsonb,
              :request_sealed_headers, :request_body, :request_body_sealed,
              :response_headers::jsonb, :response_body, :response_truncated)
      """;

  static final String LEADER_TRY_ACQUIRE = "SELECT pg_try_advisory_lock(:key)";

  static final String LEADER_HOLDS =
      """
      SELECT count(*) > 0 FROM pg_locks
      WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
        AND ((classid::bigint << 32) | objid::bigint) = :key
      """;

  static final String LEADER_RELEASE = "SELECT pg_advisory_unlock(:key)";

  static final String PARTITION_LIST =
      """
      SELECT c.relname FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = 'executions'
      """;
}
