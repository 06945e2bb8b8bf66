-- Runs started by a delivery (issue 19): a job whose target is a workflow, a queue message to a
-- workflow. Such a task goes to 'workflow:start/<key>'; the workflow transport starts the run and
-- records here which task started it, in the run's own transaction. Delivery is at-least-once (a
-- node killed after the start commits but before the attempt is recorded delivers the task
-- again), so a task that already started a run answers with that run instead of starting another:
-- one run per occurrence or message.
CREATE TABLE workflow_starts (
    task_id          uuid PRIMARY KEY,
    run_id           uuid NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- What the task came from (the engine's source kind and id: a job, a message), so a run can
    -- name what started it.
    source_kind      text,
    source_id        uuid,
    created_at       timestamptz NOT NULL
);

CREATE INDEX workflow_starts_run ON workflow_starts (run_id);
-- A job's page links the newest run it started.
CREATE INDEX workflow_starts_source ON workflow_starts (source_id, created_at DESC);
