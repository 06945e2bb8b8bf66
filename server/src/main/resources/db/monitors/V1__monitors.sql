-- Monitors (issue 16). Two families in one table:
--   heartbeat: something elsewhere pings /ping/<token> (or /ping/<org ping key>/<slug>) on a
--              period or a cron schedule; a missing ping makes it late, then down.
--   http, tcp: uptime monitors; each check is an engine task (source kind 'monitor', source id =
--              monitors.id, URL 'check:<target>') delivered by the monitors' check transport,
--              with the delivery path's SSRF guard, so checks spread over the nodes and survive
--              restarts. Their attempts are in `executions`; their results in monitor_checks.

-- The organization's key for the slug form of ping URLs (/ping/<ping_key>/<slug>) and for tag
-- badges; made on first use.
CREATE TABLE monitor_keys (
    organization_id  uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    ping_key         text NOT NULL UNIQUE,
    created_at       timestamptz NOT NULL
);

CREATE TABLE monitors (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name               text NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('heartbeat', 'http', 'tcp')),
    tags               text[] NOT NULL DEFAULT '{}',
    -- Heartbeats: /ping/<ping_token>, and /ping/<organization's ping key>/<slug> when a slug is set.
    ping_token         text UNIQUE,
    slug               text,
    -- Heartbeat schedule: every period_s, or on a cron expression in time_zone; then grace_s to
    -- be late before it is down. max_runtime_s: a /start with no finish within it is down.
    period_s           int,
    cron               text,
    time_zone          text,
    grace_s            int,
    max_runtime_s      int,
    -- Uptime checks. url: http(s) URL, or tcp://host:port. Secret headers are sealed like a job's.
    url                text,
    method             text,
    headers            jsonb NOT NULL DEFAULT '[]',
    sealed_headers     bytea,
    body               text,
    -- e.g. '200-299' or '200,204,301-302'
    expected_statuses  text,
    keyword            text,
    -- true: the check fails when the keyword IS in the body
    keyword_absent     boolean NOT NULL DEFAULT false,
    max_response_ms    int,
    follow_redirects   boolean NOT NULL DEFAULT true,
    interval_s         int,
    timeout_s          int,
    -- failed checks in a row before it is down (one blip does not page)
    confirmations      int NOT NULL DEFAULT 2,
    -- warn this many days before the TLS certificate expires (null: off)
    tls_expiry_days    int,
    -- State: new -> up -> late -> down; paused. running_since: a /start waits for its finish.
    state              text NOT NULL DEFAULT 'new'
                       CHECK (state IN ('new', 'up', 'late', 'down', 'paused')),
    state_since        timestamptz NOT NULL,
    state_reason       text,
    running_since      timestamptz,
    last_ping_at       timestamptz,
    last_ping_kind     text,
    last_duration_ms   bigint,
    -- Heartbeats: when the next ping is due. Uptime: when the next check runs.
    due_at             timestamptz,
    -- When the sweep must look at it next (due_at: late; due_at + grace: down; running_since +
    -- max_runtime: down); null while only a ping or a check can change it.
    transition_at      timestamptz,
    consecutive_failures int NOT NULL DEFAULT 0,
    tls_expires_at     timestamptz,
    -- /badge/<badge_key>.svg and .json, readable without auth: the key is the secret.
    badge_key          text NOT NULL UNIQUE,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK (kind <> 'heartbeat' OR (ping_token IS NOT NULL AND grace_s IS NOT NULL
                                   AND ((period_s IS NOT NULL) <> (cron IS NOT NULL)))),
    CHECK (kind = 'heartbeat' OR (url IS NOT NULL AND interval_s IS NOT NULL
                                  AND timeout_s IS NOT NULL))
);
CREATE INDEX monitors_organization ON monitors (organization_id, name);
CREATE UNIQUE INDEX monitors_slug ON monitors (organization_id, slug) WHERE slug IS NOT NULL;
CREATE INDEX monitors_transition ON monitors (transition_at) WHERE transition_at IS NOT NULL;

-- Tag badges: /badge/<key>.svg for every monitor of an organization with that tag.
CREATE TABLE monitor_tag_badges (
    badge_key        text PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    tag              text NOT NULL,
    UNIQUE (organization_id, tag)
);

-- Pings as received: the first 10 KB of the body, the method, source IP and user agent. kind:
-- 'success', 'start', 'fail' or 'exit' (with exit_code; 0 is a success). duration_ms: for a
-- finish that follows a start, the measured run time.
CREATE TABLE monitor_pings (
    id               uuid PRIMARY KEY,
    monitor_id       uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    received_at      timestamptz NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('success', 'start', 'fail', 'exit')),
    exit_code        int,
    method           text NOT NULL,
    source_ip        text,
    user_agent       text,
    body             bytea,
    body_truncated   boolean NOT NULL DEFAULT false,
    duration_ms      bigint
);
CREATE INDEX monitor_pings_monitor ON monitor_pings (monitor_id, received_at DESC);

-- Uptime check results, one per check (its attempt is the execution). ok: passed every
-- expectation; reason says which failed.
CREATE TABLE monitor_checks (
    monitor_id       uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    checked_at       timestamptz NOT NULL,
    ok               boolean NOT NULL,
    status_code      int,
    duration_ms      int,
    reason           text,
    execution_id     uuid,
    PRIMARY KEY (monitor_id, checked_at)
);

-- The timeline: every state change, with why. Uptime percentages and the 90-day bars are
-- computed from it (time spent down over the window).
CREATE TABLE monitor_events (
    id               uuid PRIMARY KEY,
    monitor_id       uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at               timestamptz NOT NULL,
    from_state       text NOT NULL,
    to_state         text NOT NULL,
    reason           text NOT NULL
);
CREATE INDEX monitor_events_monitor ON monitor_events (monitor_id, at DESC);
