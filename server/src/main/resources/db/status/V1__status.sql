-- Status pages and their incidents (issue 16). An organization publishes any number of pages at
-- /status/<slug> (or on a host name of its own); the instance's own page is /status, and its
-- incidents are those with no organization.

CREATE TABLE status_pages (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug             text NOT NULL UNIQUE,
    title            text NOT NULL,
    description      text NOT NULL DEFAULT '',
    -- The page answers at / for a request whose Host is this (a CNAME to this instance).
    custom_host      text UNIQUE,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX status_pages_organization ON status_pages (organization_id);

-- What a page shows, in groups, in order. kind 'monitor', 'job' or 'queue' follows that subject's
-- state; 'manual' shows manual_state as set by a person.
CREATE TABLE status_components (
    id               uuid PRIMARY KEY,
    page_id          uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
    group_name       text NOT NULL DEFAULT '',
    name             text NOT NULL,
    description      text NOT NULL DEFAULT '',
    kind             text NOT NULL CHECK (kind IN ('monitor', 'job', 'queue', 'manual')),
    subject_id       uuid,
    manual_state     text NOT NULL DEFAULT 'operational'
                     CHECK (manual_state IN ('operational', 'degraded', 'partial_outage',
                                             'major_outage', 'maintenance')),
    position         int NOT NULL DEFAULT 0,
    CHECK ((kind = 'manual') = (subject_id IS NULL))
);
CREATE INDEX status_components_page ON status_components (page_id, position);
CREATE INDEX status_components_subject ON status_components (subject_id) WHERE subject_id IS NOT NULL;

-- Incidents and scheduled maintenance. organization_id null: the instance's own (shown on
-- /status). automatic: opened when a component's subject went down and resolved when it
-- recovered (subject_kind, subject_id say which).
--   incident status:    investigating, identified, monitoring, resolved
--   maintenance status: scheduled, in_progress, completed
CREATE TABLE status_incidents (
    id               uuid PRIMARY KEY,
    organization_id  uuid REFERENCES organizations (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('incident', 'maintenance')),
    title            text NOT NULL,
    impact           text NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
    status           text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring',
                                                     'resolved', 'scheduled', 'in_progress',
                                                     'completed')),
    automatic        boolean NOT NULL DEFAULT false,
    subject_kind     text,
    subject_id       uuid,
    -- maintenance: the planned window
    starts_at        timestamptz,
    ends_at          timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    resolved_at      timestamptz,
    CHECK (kind = 'incident' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at))
);
CREATE INDEX status_incidents_organization ON status_incidents (organization_id, created_at DESC);
-- One automatic incident open per subject at a time.
CREATE UNIQUE INDEX status_incidents_automatic_open ON status_incidents (subject_id)
    WHERE automatic AND resolved_at IS NULL;

-- The components an incident affects (and so the pages it shows on).
CREATE TABLE status_incident_components (
    incident_id      uuid NOT NULL REFERENCES status_incidents (id) ON DELETE CASCADE,
    component_id     uuid NOT NULL REFERENCES status_components (id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, component_id)
);
CREATE INDEX status_incident_components_component ON status_incident_components (component_id);

-- What was said over time. notify: mailed to the pages' confirmed subscribers.
CREATE TABLE status_incident_updates (
    id               uuid PRIMARY KEY,
    incident_id      uuid NOT NULL REFERENCES status_incidents (id) ON DELETE CASCADE,
    status           text NOT NULL,
    body             text NOT NULL,
    notify           boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL
);
CREATE INDEX status_incident_updates_incident ON status_incident_updates (incident_id, created_at);

-- Email subscribers of a page, double opt-in: confirmed_at is set by the link in the first mail.
-- token: the secret in the confirm and unsubscribe links (stored as its SHA-256).
CREATE TABLE status_subscribers (
    id               uuid PRIMARY KEY,
    page_id          uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
    email            text NOT NULL,
    token_hash       bytea NOT NULL UNIQUE,
    created_at       timestamptz NOT NULL,
    confirmed_at     timestamptz,
    UNIQUE (page_id, email)
);
