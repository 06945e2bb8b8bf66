-- The delivery engine: a small, hot table of ready and running tasks, and an insert-only,
-- time-partitioned history of attempts. The engine's migrations (EngineSchema) run first, with their
-- own history table, before any module of the server's.

-- Fencing tokens: every claim takes a new one, so a completion carrying an older token (from an
-- attempt whose lease expired and was re-claimed) matches no row and is rejected.
CREATE SEQUENCE task_lease_token_seq CACHE 64;

CREATE TABLE tasks (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL,
    source_kind      text NOT NULL,
    source_id        uuid,
    -- 0 runs first. Claims walk priorities in order (see TaskQueries.TASK_CLAIM_DUE).
    priority         smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
    run_at           timestamptz NOT NULL,
    -- The time this task was planned for; run_at moves with retries, this does not.
    scheduled_for    timestamptz NOT NULL,
    state            text NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'running')),
    attempt          integer NOT NULL DEFAULT 0,
    max_attempts     integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 11),
    rescues          integer NOT NULL DEFAULT 0,
    lease_token      bigint,
    lease_expires_at timestamptz,
    claimed_by       text,
    -- The request, copied from its source so the engine needs nothing else to deliver it.
    url              text NOT NULL,
    method           text NOT NULL,
    headers          jsonb NOT NULL DEFAULT '[]',
    sealed_headers   bytea,
    body             bytea,
    body_sealed      boolean NOT NULL DEFAULT false,
    timeout_ms       integer NOT NULL CHECK (timeout_ms BETWEEN 1 AND 300000),
    backoff_base_ms  integer NOT NULL,
    backoff_max_ms   integer NOT NULL,
    created_at       timestamptz NOT NULL
) WITH (fillfactor = 80,
        autovacuum_vacuum_scale_factor = 0.02,
        autovacuum_vacuum_threshold = 1000,
        autovacuum_vacuum_insert_scale_factor = 0.02);

-- Ready tasks by priority and due time: the claim probes it once per priority.
CREATE INDEX tasks_ready_idx ON tasks (priority, run_at, id) WHERE state = 'ready';
-- Running tasks by lease expiry: the rescuer's scan.
CREATE INDEX tasks_lease_idx ON tasks (lease_expires_at) WHERE state = 'running';
-- Pending work of one job or message (edit, delete, trigger).
CREATE INDEX tasks_source_idx ON tasks (source_id);

CREATE TABLE executions (
    id                     uuid NOT NULL,
    -- The partition key: when the attempt started (or the record was made), equal to the
    -- millisecond in id, so a lookup by id prunes to one partition.
    created_at             timestamptz NOT NULL,
    organization_id        uuid NOT NULL,
    task_id                uuid NOT NULL,
    source_kind            text NOT NULL,
    source_id              uuid,
    attempt                integer NOT NULL,
    status                 text NOT NULL,
    -- The last execution of a task: its terminal state.
    final                  boolean NOT NULL,
    scheduled_for          timestamptz,
    due_at                 timestamptz,
    started_at             timestamptz,
    finished_at            timestamptz,
    duration_us            bigint,
    status_code            integer,
    error                  text,
    node                   text,
    next_attempt_at        timestamptz,
    request_url            text,
    request_method         text,
    request_headers        jsonb,
    request_sealed_headers bytea,
    request_body           bytea,
    request_body_sealed    boolean NOT NULL DEFAULT false,
    response_headers       jsonb,
    response_body          bytea,
    response_truncated     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE INDEX executions_source_idx ON executions (source_id, created_at DESC);
CREATE INDEX executions_task_idx ON executions (task_id);
CREATE INDEX executions_organization_idx ON executions (organization_id, created_at DESC);

-- Daily partitions around today; the engine's partition maintainer keeps creating them ahead.
DO $$
DECLARE
    day date;
BEGIN
    FOR day IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - 1,
                                      (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day')::date
    LOOP
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %I PARTITION OF executions FOR VALUES FROM (%L) TO (%L)',
            'executions_p' || to_char(day, 'YYYYMMDD'),
            day::timestamp AT TIME ZONE 'UTC',
            (day + 1)::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END $$;
