-- on_cancel: finish | abandon (issue 19). Cancelling a run never starts a pending step. With
-- 'finish' (the default) a run with a request in flight waits in 'cancelling' (holding its
-- concurrency key) until those steps end, their results recorded on them, then is 'cancelled'.
-- With 'abandon' it is 'cancelled' at once and its steps in flight are 'abandoned': the step no
-- longer waits for its task (task_id cleared), so the late outcome is in the history only.
ALTER TABLE workflow_runs DROP CONSTRAINT workflow_runs_state_check;
ALTER TABLE workflow_runs ADD CONSTRAINT workflow_runs_state_check
    CHECK (state IN ('queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'));

ALTER TABLE workflow_run_steps DROP CONSTRAINT workflow_run_steps_state_check;
ALTER TABLE workflow_run_steps ADD CONSTRAINT workflow_run_steps_state_check
    CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled',
                     'abandoned'));
