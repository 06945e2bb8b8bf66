-- Queues: named streams of on-demand messages with flow control. A message waits here until
-- its queue lets it go (parallelism, ordering key, rate, pause); only then does it become an
-- engine task. So the hot tasks table holds what may run now, and a queue holding back a
-- million messages costs the claim nothing.

CREATE TABLE queues (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    -- Released messages not yet finished (queued, running or waiting for a retry) at most.
    parallelism     integer NOT NULL CHECK (parallelism BETWEEN 1 AND 1000),
    -- At most rate_limit starts per rate_period_ms; NULL: no rate limit.
    rate_limit      integer CHECK (rate_limit BETWEEN 1 AND 100000),
    rate_period_ms  integer CHECK (rate_period_ms IN (1000, 60000)),
    -- The earliest start the rate limit allows next; releases space starts period/limit apart.
    rate_next_at    timestamptz,
    retries         integer NOT NULL CHECK (retries BETWEEN 0 AND 10),
    timeout_ms      integer NOT NULL CHECK (timeout_ms BETWEEN 1000 AND 300000),
    paused          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (organization_id, name),
    CHECK ((rate_limit IS NULL) = (rate_period_ms IS NULL))
);

CREATE TABLE messages (
    id                   uuid PRIMARY KEY,
    organization_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    queue_id             uuid NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    -- waiting: held by the queue; queued: released to the engine (a task exists);
    -- delivered, failed (the dead-letter list), cancelled: final.
    state                text NOT NULL
                         CHECK (state IN ('waiting', 'queued', 'delivered', 'failed', 'cancelled')),
    url                  text NOT NULL,
    method               text NOT NULL,
    headers              jsonb NOT NULL DEFAULT '[]',
    sealed_headers       bytea,
    secret_header_names  text[] NOT NULL DEFAULT '{}',
    body                 bytea,
    body_sealed          boolean NOT NULL DEFAULT false,
    timeout_ms           integer NOT NULL,
    retries              integer NOT NULL CHECK (retries BETWEEN 0 AND 10),
    not_before           timestamptz NOT NULL,
    ordering_key         text,
    dedup_id             text,
    callback_url         text,
    failure_callback_url text,
    -- Attempts over all deliveries of this message (a redrive adds to them).
    attempts             integer NOT NULL DEFAULT 0,
    redrives             integer NOT NULL DEFAULT 0,
    last_status          text,
    last_status_code     integer,
    last_error           text,
    last_execution_id    uuid,
    created_at           timestamptz NOT NULL,
    released_at          timestamptz,
    finished_at          timestamptz
);
-- What a queue may let go next, in order.
CREATE INDEX messages_waiting_idx ON messages (queue_id, not_before, id) WHERE state = 'waiting';
-- In flight per queue (parallelism) and per ordering key (FIFO within a key).
CREATE INDEX messages_queued_idx ON messages (queue_id, ordering_key) WHERE state = 'queued';
CREATE INDEX messages_key_waiting_idx ON messages (queue_id, ordering_key, id)
    WHERE state = 'waiting' AND ordering_key IS NOT NULL;
CREATE INDEX messages_organization_idx ON messages (organization_id, id DESC);
CREATE INDEX messages_queue_idx ON messages (queue_id, id DESC);
-- The dead-letter list.
CREATE INDEX messages_dead_idx ON messages (organization_id, id DESC) WHERE state = 'failed';
-- Retention of finished messages.
CREATE INDEX messages_finished_idx ON messages (finished_at)
    WHERE state IN ('delivered', 'cancelled');

-- Deduplication: one message per (queue, dedup id) for 24 hours.
CREATE TABLE message_dedup (
    queue_id   uuid NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    dedup_id   text NOT NULL,
    message_id uuid NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (queue_id, dedup_id)
);
CREATE INDEX message_dedup_expires_idx ON message_dedup (expires_at);
