-- Jobs: named HTTP requests with a schedule. A job's request is copied into a task for each
-- run; pending_task_id points at the task of its next scheduled run, so an edit can replace it.

CREATE TABLE jobs (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    key             text,
    name            text NOT NULL,
    schedule_type   text NOT NULL CHECK (schedule_type IN ('once', 'cron')),
    run_at          timestamptz,
    cron_expression text,
    timezone        text,
    url             text NOT NULL,
    method          text NOT NULL,
    headers         jsonb NOT NULL DEFAULT '[]',
    -- Secret headers and a secret body are sealed with the instance key (AES-256-GCM).
    sealed_headers  bytea,
    secret_header_names text[] NOT NULL DEFAULT '{}',
    body            bytea,
    body_sealed     boolean NOT NULL DEFAULT false,
    timeout_ms      integer NOT NULL,
    retries         integer NOT NULL CHECK (retries BETWEEN 0 AND 10),
    enabled         boolean NOT NULL DEFAULT true,
    pending_task_id uuid,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT jobs_schedule_check CHECK (
        (schedule_type = 'once' AND run_at IS NOT NULL)
        OR (schedule_type = 'cron' AND cron_expression IS NOT NULL AND timezone IS NOT NULL))
);
CREATE UNIQUE INDEX jobs_key_idx ON jobs (organization_id, key) WHERE key IS NOT NULL;
CREATE INDEX jobs_organization_idx ON jobs (organization_id, id DESC);

-- Idempotency-Key: the first response to a creating POST, replayed for 24 hours.
CREATE TABLE idempotency_keys (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    key             text NOT NULL,
    request_hash    bytea NOT NULL,
    response_status integer,
    response_type   text,
    response_body   bytea,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (organization_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
