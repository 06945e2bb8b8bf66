-- concurrency: {key, limit} (issue 19). At most `limit` runs of a workflow with the same key (its
-- template rendered over the run's input) run at once. A run started over the limit waits in
-- state 'queued' (no step started, no task); the end of a run with the same workflow and key
-- starts the oldest queued one in the same transaction. Admission and release both hold a
-- transaction-level advisory lock on (workflow, key), so two nodes never admit past the limit.
ALTER TABLE workflow_runs DROP CONSTRAINT workflow_runs_state_check;
ALTER TABLE workflow_runs ADD CONSTRAINT workflow_runs_state_check
    CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'));

-- The rendered key ('' when the definition gives none: one limit for the whole workflow); null
-- for a run whose version sets no limit.
ALTER TABLE workflow_runs ADD COLUMN concurrency_key text;

-- Counting the runs that hold a key, and finding the oldest queued one. 'cancelling' (a run
-- waiting for its steps in flight, next migration) holds its key too.
CREATE INDEX workflow_runs_concurrency ON workflow_runs (workflow_id, concurrency_key, state, id)
    WHERE concurrency_key IS NOT NULL AND state IN ('queued', 'running', 'cancelling');
