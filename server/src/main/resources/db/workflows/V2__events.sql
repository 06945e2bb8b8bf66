-- wait_for_event steps (issue 19). A waiting step names the event it waits for; its task_id is
-- then its timeout (a task to 'workflow:timeout'), removed when a matching event resumes it.
ALTER TABLE workflow_run_steps ADD COLUMN waiting_for text;

-- POST /api/v1/events finds the steps waiting for an event's name.
CREATE INDEX workflow_run_steps_waiting ON workflow_run_steps (waiting_for)
    WHERE state = 'running' AND waiting_for IS NOT NULL;

-- Every event received, matched or not (an event for a run that is not waiting is recorded and
-- changes nothing).
CREATE TABLE workflow_events (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL,
    payload          jsonb NOT NULL,
    received_at      timestamptz NOT NULL,
    -- How many waiting steps it resumed.
    resumed          int NOT NULL DEFAULT 0
);

CREATE INDEX workflow_events_by_name ON workflow_events (organization_id, name, id DESC);
