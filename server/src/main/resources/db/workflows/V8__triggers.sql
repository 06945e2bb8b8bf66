-- triggers (issue 19): a definition's `triggers` start runs from events. POST /api/v1/events
-- finds the active workflows whose current version has a trigger for the event's name (the GIN
-- index below) and starts one run per matching workflow in the transaction that records the
-- event; each such run names its event. An event may carry its sender's id: the same id again
-- (in the same organization) records nothing new, and starts and resumes nothing.
ALTER TABLE workflow_events ADD COLUMN external_id text;
ALTER TABLE workflow_events ADD COLUMN started int NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX workflow_events_external ON workflow_events (organization_id, external_id)
    WHERE external_id IS NOT NULL;

ALTER TABLE workflow_runs ADD COLUMN event_id uuid;
CREATE INDEX workflow_runs_event ON workflow_runs (event_id) WHERE event_id IS NOT NULL;

CREATE INDEX workflow_versions_triggers ON workflow_versions
    USING gin ((definition -> 'triggers') jsonb_path_ops);
