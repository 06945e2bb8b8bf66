-- workflow steps (issue 19): a step that runs another workflow starts a child run and waits for
-- it. The child names its parent, so its end tells the parent (a task to 'workflow:child/<id>'
-- whose outcome, under the parent's lock, ends the parent's step); the parent's step names the
-- child, so a parent that ends cancels the children it waits for.
ALTER TABLE workflow_runs ADD COLUMN parent_run_id uuid REFERENCES workflow_runs (id) ON DELETE SET NULL;
ALTER TABLE workflow_run_steps ADD COLUMN child_run_id uuid;

CREATE INDEX workflow_runs_parent ON workflow_runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
