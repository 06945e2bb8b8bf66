-- Alerts (issue 15): channels, rules, maintenance windows, incidents, the outbox of what is still
-- to be told, and the notification log. Each notification is a task on the engine (source kind
-- 'alert', source id = alert_notifications.id): its attempts are in `executions`.

-- Where alerts go. Settings that are no secret (an email's roles and addresses, a Telegram chat
-- id, an ntfy server) are JSON in `settings`; secrets (webhook URLs, tokens, keys) are one JSON
-- object sealed under the instance key in `sealed_settings`, never stored in the clear.
CREATE TABLE alert_channels (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('email', 'slack', 'discord', 'teams', 'telegram',
                                                   'ntfy', 'pagerduty', 'pushover', 'webhook')),
    settings         jsonb NOT NULL DEFAULT '{}',
    sealed_settings  bytea,
    -- An opt-in channel gets only the alerts of rules that name it; the others get every alert
    -- whose rule names no channel.
    opt_in           boolean NOT NULL DEFAULT false,
    enabled          boolean NOT NULL DEFAULT true,
    -- When this channel last got a grouped message: failures within the group window after it
    -- wait and go as one follow-up.
    last_group_at    timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (organization_id, name)
);

-- Rules: the organization's defaults (subject_kind 'organization', subject_id its own id) and
-- overrides per job, queue or monitor. A null field inherits the default; the defaults' nulls
-- take the built-in ones (first failure, recovery on, no re-alert, every non-opt-in channel).
CREATE TABLE alert_rules (
    organization_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    subject_kind           text NOT NULL CHECK (subject_kind IN ('organization', 'job', 'queue',
                                                                 'monitor')),
    subject_id             uuid NOT NULL,
    -- 'first_failure', 'consecutive' (after consecutive_failures in a row) or 'failure_rate'
    -- (failure_rate_percent of at least failure_rate_min_runs runs over failure_rate_window_s)
    trigger                text CHECK (trigger IN ('first_failure', 'consecutive', 'failure_rate')),
    consecutive_failures   int,
    failure_rate_percent   int,
    failure_rate_window_s  int,
    failure_rate_min_runs  int,
    recovery               boolean,
    -- Re-alert every so many seconds while it stays broken; 0 is off.
    realert_every_s        int,
    -- Muted until then ('infinity': until unmuted); null inherits (defaults: not muted).
    muted_until            timestamptz,
    -- The channels to alert; null inherits (defaults: every channel that is not opt-in).
    channel_ids            uuid[],
    -- Queues: dead letters are failures (on by default); depth and age of the oldest waiting
    -- message open an incident above their threshold (null: off).
    dead_letters           boolean,
    depth_above            int,
    oldest_waiting_s       int,
    -- Organization only: items failing within this many seconds of a grouped message go in one
    -- follow-up (default 60); usage alerts at 80 % and 100 % of the monthly quota (default on).
    group_window_s         int,
    usage_alerts           boolean,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (organization_id, subject_kind, subject_id)
);

-- Quiet times: one-off (starts_at..ends_at) or recurring (a cron expression in a time zone,
-- lasting duration_s from each occurrence). Nothing alerts while one is on.
CREATE TABLE alert_maintenance_windows (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL,
    starts_at        timestamptz,
    ends_at          timestamptz,
    cron             text,
    time_zone        text,
    duration_s       int,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((starts_at IS NOT NULL AND ends_at IS NOT NULL AND cron IS NULL)
        OR (cron IS NOT NULL AND time_zone IS NOT NULL AND duration_s IS NOT NULL
            AND starts_at IS NULL AND ends_at IS NULL))
);
CREATE INDEX alert_maintenance_windows_organization ON alert_maintenance_windows (organization_id);

-- One row per subject and condition that is failing: 'pending' while its rule's threshold is not
-- reached (counting), 'open' once it is (alerted or to be), 'closed' when it recovered. At most
-- one pending-or-open incident per subject and condition: a job failing every second for an hour
-- is one incident.
--   condition: 'failing' (runs or deliveries fail), 'depth', 'oldest_waiting' (queues),
--              'usage_80', 'usage_100' (the organization's monthly quota)
CREATE TABLE alert_incidents (
    id                    uuid PRIMARY KEY,
    organization_id       uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    subject_kind          text NOT NULL,
    subject_id            uuid NOT NULL,
    subject_name          text NOT NULL DEFAULT '',
    condition             text NOT NULL,
    state                 text NOT NULL CHECK (state IN ('pending', 'open', 'closed')),
    first_failure_at      timestamptz NOT NULL,
    last_failure_at       timestamptz NOT NULL,
    opened_at             timestamptz,
    closed_at             timestamptz,
    consecutive_failures  int NOT NULL DEFAULT 0,
    failures              int NOT NULL DEFAULT 0,
    last_status_code      int,
    last_error            text,
    last_snippet          text,
    last_execution_id     uuid,
    detail                text,
    -- Whether its opening alert was queued (false while muted or in maintenance: it goes when the
    -- next failure comes outside them), and when it last alerted (re-alerts count from it).
    announced             boolean NOT NULL DEFAULT false,
    last_alert_at         timestamptz,
    realerts              int NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX alert_incidents_current
    ON alert_incidents (organization_id, subject_kind, subject_id, condition)
    WHERE state IN ('pending', 'open');
CREATE INDEX alert_incidents_subject ON alert_incidents (subject_id) WHERE state IN ('pending', 'open');
CREATE INDEX alert_incidents_history ON alert_incidents (organization_id, opened_at DESC);

-- What is still to be told, per channel: a change of an incident ('opened', 'recovered',
-- 'reminder') waiting for its channel's group to go. Written in the transaction that changed the
-- incident, removed in the one that made the notification: nothing accepted is lost, and nothing
-- is told twice.
CREATE TABLE alert_pending (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    channel_id       uuid NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
    incident_id      uuid NOT NULL REFERENCES alert_incidents (id) ON DELETE CASCADE,
    change           text NOT NULL CHECK (change IN ('opened', 'recovered', 'reminder')),
    created_at       timestamptz NOT NULL,
    -- When the group may go: a short wait to gather failures of the same moment, or the end of
    -- the channel's group window.
    due_at           timestamptz NOT NULL
);
CREATE INDEX alert_pending_due ON alert_pending (due_at, channel_id);

-- The notification log: every message handed to the engine for a channel. Its delivery is the
-- task whose source id is this id; its attempts are the executions of that task. The channel's
-- name and kind are copied so the log reads the same after the channel is gone.
CREATE TABLE alert_notifications (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    channel_id       uuid REFERENCES alert_channels (id) ON DELETE SET NULL,
    channel_name     text NOT NULL,
    channel_kind     text NOT NULL,
    -- 'alert', 'recovery', 'reminder', 'digest' (several kinds of change in one) or 'test'
    kind             text NOT NULL,
    headline         text NOT NULL,
    -- The message as plain text: what was said, for the log (the request itself is in the task).
    text             text NOT NULL,
    incident_ids     uuid[] NOT NULL DEFAULT '{}',
    -- PagerDuty: the dedup key its trigger used, so the resolve can name it.
    dedup_key        text,
    task_id          uuid NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX alert_notifications_log ON alert_notifications (organization_id, created_at DESC, id DESC);
CREATE INDEX alert_notifications_channel ON alert_notifications (channel_id, created_at DESC);
CREATE INDEX alert_notifications_incidents ON alert_notifications USING gin (incident_ids);
