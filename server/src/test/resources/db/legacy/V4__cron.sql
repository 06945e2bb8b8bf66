-- Cron jobs: what to do with occurrences missed while nothing ran, and with an occurrence due
-- while the previous run is still going; when the schedule last changed (the timeline plans from
-- there); and when the job was paused (occurrences planned then show as "paused").

ALTER TABLE jobs
    ADD COLUMN catch_up text NOT NULL DEFAULT 'latest' CHECK (catch_up IN ('latest', 'none', 'all')),
    ADD COLUMN overlap text NOT NULL DEFAULT 'allow' CHECK (overlap IN ('allow', 'forbid', 'replace')),
    ADD COLUMN schedule_changed_at timestamptz;

UPDATE jobs SET schedule_changed_at = created_at;
ALTER TABLE jobs ALTER COLUMN schedule_changed_at SET NOT NULL;

CREATE TABLE job_pauses (
    organization_id uuid NOT NULL,
    job_id          uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    paused_at       timestamptz NOT NULL,
    resumed_at      timestamptz,
    PRIMARY KEY (job_id, paused_at)
);
