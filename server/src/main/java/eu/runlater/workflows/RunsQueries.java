package eu.runlater.workflows;

/** SQL for {@code workflow_runs} and {@code workflow_run_steps}. */
final class RunsQueries {
  private RunsQueries() {}

  static final String RUN_INSERT =
      """
      INSERT INTO workflow_runs
        (id, organization_id, workflow_id, version, state, input, created_at, started_by_key,
         started_by_user)
      VALUES (:id, :organization_id, :workflow_id, :version, 'running', CAST(:input AS jsonb), :now,
              :started_by_key, :started_by_user)
      """;

  static final String RUN_INSERT_CHILD =
      """
      INSERT INTO workflow_runs
        (id, organization_id, workflow_id, version, state, input, created_at, parent_run_id)
      VALUES (:id, :organization_id, :workflow_id, :version, 'running', CAST(:input AS jsonb), :now,
              :parent_run_id)
      """;

  static final String RUN_STATE = "SELECT state, error FROM workflow_runs WHERE id = :id";

  static final String STEP_SET_CHILD =
      """
      UPDATE workflow_run_steps SET child_run_id = :child_run_id
      WHERE run_id = :run_id AND name = :name
      """;

  // With the task id each http or sleep step's task will have (RunAdvancer#taskIds).
  static final String RUN_STEPS_INSERT =
      """
      INSERT INTO workflow_run_steps (run_id, name, state, task_id)
      SELECT :run_id, n, 'pending', t
      FROM unnest(CAST(:names AS text[]), CAST(:task_ids AS uuid[])) AS u(n, t)
      """;

  static final String RUN_SET_DEADLINE =
      "UPDATE workflow_runs SET deadline_task_id = :task_id WHERE id = :id";

  // Every change to a run and its steps happens under this lock: two steps of one run finishing
  // on two nodes advance it one after the other, each seeing the other's result.
  static final String RUN_LOCK =
      RunsQueries.LOCKED_RUN
          + """
          WHERE r.id = :id
          FOR UPDATE OF r
          """;

  // A completer batch's runs, locked in one statement in id order (rows are locked as the sort
  // returns them), as every other path that locks several runs does.
  static final String RUNS_LOCK_MANY =
      RunsQueries.LOCKED_RUN
          + """
          WHERE r.id = ANY(:ids::uuid[])
          ORDER BY r.id
          FOR UPDATE OF r
          """;

  // What RunAdvancer.LockedRun holds.
  private static final String LOCKED_RUN =
      """
      SELECT r.id, r.organization_id, r.workflow_id, r.version, r.state, r.input::text AS input,
             r.deadline_task_id, o.tier, r.parent_run_id, r.compensating, r.error
      FROM workflow_runs r JOIN organizations o ON o.id = r.organization_id
      """;

  static final String RUNS_FINISH_MANY =
      """
      UPDATE workflow_runs r SET state = u.state, error = u.error, finished_at = :now
      FROM unnest(:ids::uuid[], :states::text[], :errors::text[]) AS u(id, state, error)
      WHERE r.id = u.id
      """;

  // Many runs' steps as the batch left them: every column an advance may change, absolute. Only a
  // running step keeps the event it waits for (V11: so an ended step's write changes no indexed
  // column, and stays on its page).
  static final String STEPS_WRITE_MANY =
      """
      UPDATE workflow_run_steps s
      SET state = u.state, task_id = u.task_id, attempts = u.attempts, started_at = u.started_at,
          finished_at = u.finished_at, output = CAST(u.output AS jsonb),
          decision = CAST(u.decision AS jsonb), error = u.error, execution_id = u.execution_id,
          waiting_for = CASE WHEN u.state = 'running' THEN u.waiting_for END
      FROM unnest(:run_ids::uuid[], :names::text[], :states::text[], :task_ids::uuid[],
                  :attempts::integer[], :started::timestamptz[], :finished::timestamptz[],
                  :outputs::text[], :decisions::text[], :errors::text[], :execution_ids::uuid[],
                  :waiting::text[])
           AS u(run_id, name, state, task_id, attempts, started_at, finished_at, output, decision,
                error, execution_id, waiting_for)
      WHERE s.run_id = u.run_id AND s.name = u.name
      """;

  static final String RUN_FINISH =
      """
      UPDATE workflow_runs SET state = :state, error = :error, finished_at = :now
      WHERE id = :id
      """;

  static final String RUN_RESUME =
      """
      UPDATE workflow_runs SET state = 'running', error = NULL, finished_at = NULL,
                               compensating = false
      WHERE id = :id
      """;

  static final String RUN_STEPS =
      """
      SELECT name, state, task_id, attempts, started_at, finished_at, output::text AS output,
             decision::text AS decision, error, execution_id, child_run_id
      FROM workflow_run_steps WHERE run_id = :run_id
      """;

  static final String STEPS_OF_RUNS =
      """
      SELECT run_id, name, state, task_id, attempts, started_at, finished_at, output::text AS output,
             decision::text AS decision, error, execution_id, child_run_id
      FROM workflow_run_steps WHERE run_id = ANY(:ids::uuid[])
      """;

  static final String STEP_BY_TASK =
      "SELECT run_id, name FROM workflow_run_steps WHERE task_id = :task_id";

  static final String RUN_BY_DEADLINE_TASK =
      "SELECT id FROM workflow_runs WHERE deadline_task_id = :task_id";

  static final String STEP_START =
      """
      UPDATE workflow_run_steps
      SET state = 'running', task_id = :task_id, started_at = :now, finished_at = NULL,
          error = NULL, waiting_for = :waiting_for
      WHERE run_id = :run_id AND name = :name
      """;

  // A step's end, which (as every write that ends a step) clears the event it waited for.
  static final String STEP_FINISH =
      """
      UPDATE workflow_run_steps
      SET state = :state, finished_at = :now, output = CAST(:output AS jsonb),
          decision = CAST(:decision AS jsonb), error = :error,
          attempts = attempts + :attempts, execution_id = :execution_id,
          started_at = COALESCE(started_at, :now), waiting_for = NULL
      WHERE run_id = :run_id AND name = :name
      """;

  static final String RUN_COMPENSATE =
      "UPDATE workflow_runs SET compensating = true, error = :error WHERE id = :id";

  static final String STEPS_CANCEL_PENDING_BUT =
      """
      UPDATE workflow_run_steps SET state = 'cancelled', finished_at = :now
      WHERE run_id = :run_id AND state = 'pending' AND name <> :kept
      """;

  static final String STEPS_CANCEL_PENDING =
      """
      UPDATE workflow_run_steps SET state = 'cancelled', finished_at = :now
      WHERE run_id = :run_id AND state = 'pending'
      """;

  // Retry from failure: what failed (fail-the-run) or never started goes back to pending; what
  // succeeded keeps its output.
  static final String STEPS_RESET_FOR_RETRY =
      """
      UPDATE workflow_run_steps
      SET state = 'pending', task_id = NULL, finished_at = NULL, error = NULL, output = NULL,
          decision = NULL, waiting_for = NULL
      WHERE run_id = :run_id AND (state IN ('cancelled', 'abandoned') OR (state = 'failed' AND name <> ALL(CAST(:kept AS text[]))))
      """;

  // With what started the run (RunOrigins), in the same round trip: the API key or user of a
  // start by hand, the event, the parent run, or the job occurrence or queue message whose task
  // started it (workflow_starts); a key's prefix is its public half as the key's holder knows it
  // (pk_live_<public_id>). The names are read from their modules' tables because those modules
  // depend on this one, not the other way round. Each is a scalar sub-select by primary key, not
  // a join: with the origins joined, the statement had eleven relations and PostgreSQL took ~5 ms
  // to plan it, anew on most calls (a custom plan each time: 2,579 plans in 4,331 calls, 13 s of
  // planning in a 30 s window of run starts, more than all their execution); a sub-select is
  // planned on its own, as one or two relations. The start's last attempt is read apart
  // (RUN_START_EXECUTION), only for a run that a task started.
  static final String RUN_GET =
      """
      SELECT r.id, w.key, r.version, r.state, r.input::text AS input, r.error, r.created_at,
             r.finished_at, r.workflow_id,
             r.started_by_key,
             (SELECT k.name FROM api_keys k WHERE k.id = r.started_by_key) AS key_name,
             (SELECT 'pk_live_' || k.public_id FROM api_keys k WHERE k.id = r.started_by_key)
               AS key_prefix,
             r.started_by_user,
             (SELECT u.email FROM users u WHERE u.id = r.started_by_user) AS user_email,
             r.event_id,
             (SELECT ev.name FROM workflow_events ev WHERE ev.id = r.event_id) AS event_name,
             r.parent_run_id,
             (SELECT pw.name FROM workflow_runs p JOIN workflows pw ON pw.id = p.workflow_id
              WHERE p.id = r.parent_run_id) AS parent_workflow,
             s.source_kind AS start_kind, s.source_id AS start_source, s.task_id AS start_task,
             (SELECT j.name FROM jobs j WHERE s.source_kind = 'job' AND j.id = s.source_id)
               AS job_name,
             (SELECT q.name FROM messages m JOIN queues q ON q.id = m.queue_id
              WHERE s.source_kind = 'message' AND m.id = s.source_id) AS queue_name
      FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      LEFT JOIN workflow_starts s ON s.run_id = r.id
      WHERE r.organization_id = :organization_id AND r.id = :id
      """;

  // The last attempt of the task that started a run (RUN_GET's start_task), by executions' task
  // index.
  static final String RUN_START_EXECUTION =
      """
      SELECT x.id FROM executions x WHERE x.task_id = :task_id ORDER BY x.attempt DESC LIMIT 1
      """;

  static final String RUN_LIST =
      """
      SELECT r.id, w.key, r.version, r.state, r.input::text AS input, r.error, r.created_at,
             r.finished_at, r.workflow_id
      FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      WHERE r.organization_id = :organization_id AND w.key = :key
        AND (CAST(:state AS text) IS NULL OR r.state = :state)
        AND (CAST(:cursor AS uuid) IS NULL OR r.id < :cursor)
      ORDER BY r.id DESC
      LIMIT :limit
      """;

  static final String STEP_CANCEL =
      """
      UPDATE workflow_run_steps SET state = 'cancelled', finished_at = :now, waiting_for = NULL
      WHERE run_id = :run_id AND name = :name
      """;

  static final String STEP_SKIP =
      """
      UPDATE workflow_run_steps
      SET state = 'skipped', finished_at = :now, decision = CAST(:decision AS jsonb)
      WHERE run_id = :run_id AND name = :name
      """;

  // Steps of this organization's running runs waiting for an event of this name, by run.
  static final String STEPS_WAITING_FOR =
      """
      SELECT s.run_id, s.name
      FROM workflow_run_steps s JOIN workflow_runs r ON r.id = s.run_id
      WHERE s.waiting_for = :name AND s.state = 'running' AND r.state = 'running'
        AND r.organization_id = :organization_id
      ORDER BY s.run_id, s.name
      LIMIT :limit
      """;

  // A cancel: the run stops moving at once; it ends when nothing of it is in flight any more.
  static final String RUN_CANCELLING =
      "UPDATE workflow_runs SET state = 'cancelling', error = :error WHERE id = :id";

  // on_cancel: abandon. The step no longer waits for its task, so that task's late outcome
  // matches no step: it stays in the history only.
  static final String STEPS_ABANDON =
      """
      UPDATE workflow_run_steps
      SET state = 'abandoned', finished_at = :now, task_id = NULL, waiting_for = NULL,
          decision = jsonb_build_object(
              'reason', 'the run was cancelled (on_cancel: abandon); a late outcome of its request'
                        || ' is in the history only',
              'task_id', task_id)
      WHERE run_id = :run_id AND state = 'running'
      """;
}
