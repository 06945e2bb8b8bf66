-- Who started a run by hand (issue 19, "started by" on the run view): the API key that called
-- POST /api/v1/workflows/{key}/runs, or the dashboard user who pressed Start. The other origins
-- are recorded already: an event (event_id), a job's occurrence or a queue message
-- (workflow_starts), a parent run (parent_run_id). A deleted user or key leaves the run unnamed.
ALTER TABLE workflow_runs
    ADD COLUMN started_by_key  uuid REFERENCES api_keys (id) ON DELETE SET NULL,
    ADD COLUMN started_by_user uuid REFERENCES users (id) ON DELETE SET NULL;
