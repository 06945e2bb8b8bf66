-- on_failure: {compensate: <step>} (issue 19). A step failing after its retries with a
-- compensation declared does not end its run at once: the run keeps the failure as its error and
-- runs the compensation step alone; when that step ends, the run fails (the error says how the
-- compensation went).
ALTER TABLE workflow_runs ADD COLUMN compensating boolean NOT NULL DEFAULT false;
