-- Workflows (issue 19): versioned definitions of named steps forming a DAG, and their runs.
-- A run's state lives here and advances through engine tasks (source kind 'run', source id =
-- workflow_runs.id): an http step is a task delivered under the delivery contract; a sleep step
-- and a run's deadline are tasks to 'workflow:' URLs that the workflow transport answers at once.
-- Each step row remembers the task it waits for (task_id): an outcome for any other task (an
-- older attempt of a step that was retried from failure) matches no step and changes nothing.

-- One row per workflow key; every change is a new row in workflow_versions.
CREATE TABLE workflows (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    key              text NOT NULL,
    name             text NOT NULL,
    version          int NOT NULL,
    -- Archived workflows start no run; their runs stay readable.
    archived_at      timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (organization_id, key)
);

-- The definition as given (normalized JSON); runs keep the version they started with.
CREATE TABLE workflow_versions (
    workflow_id  uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version      int NOT NULL,
    definition   jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE workflow_runs (
    id                uuid PRIMARY KEY,
    organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    workflow_id       uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version           int NOT NULL,
    state             text NOT NULL
                      CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled')),
    input             jsonb NOT NULL,
    error             text,
    -- The task that fails the run at its max run time, if the definition sets one.
    deadline_task_id  uuid,
    created_at        timestamptz NOT NULL,
    finished_at       timestamptz,
    FOREIGN KEY (workflow_id, version) REFERENCES workflow_versions (workflow_id, version)
);

-- Lists by workflow and state, newest first (UUIDv7 ids sort by creation).
CREATE INDEX workflow_runs_by_workflow ON workflow_runs (workflow_id, state, id DESC);

CREATE TABLE workflow_run_steps (
    run_id       uuid NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
    name         text NOT NULL,
    -- pending: not started; running: its task is waiting or in flight; succeeded; failed;
    -- skipped: its branch was not chosen, or its join can no longer be met; cancelled: the run
    -- ended (failed or cancelled) before it started.
    state        text NOT NULL
                 CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'skipped',
                                  'cancelled')),
    task_id      uuid,
    attempts     int NOT NULL DEFAULT 0,
    started_at   timestamptz,
    finished_at  timestamptz,
    output       jsonb,
    -- A condition's decision: {"expression", "result", "chosen", "skipped"}; a skip's reason.
    decision     jsonb,
    error        text,
    execution_id uuid,
    PRIMARY KEY (run_id, name)
);

-- An outcome finds its step by the task it waits for.
CREATE UNIQUE INDEX workflow_run_steps_task ON workflow_run_steps (task_id)
    WHERE task_id IS NOT NULL;
