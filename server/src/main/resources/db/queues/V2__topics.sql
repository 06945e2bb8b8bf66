-- Topics: a named set of endpoints. Publishing to a topic pushes one independent message per
-- endpoint (each delivered and retried on its own) in one transaction.

CREATE TABLE topics (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE topic_endpoints (
    topic_id        uuid NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- The endpoint's place in the topic (0-based), as the caller listed them.
    position        integer NOT NULL CHECK (position BETWEEN 0 AND 99),
    url             text NOT NULL,
    -- Plain headers; those that carry credentials are sealed together in sealed_headers.
    headers         jsonb NOT NULL DEFAULT '[]',
    sealed_headers  bytea,
    PRIMARY KEY (topic_id, position),
    UNIQUE (topic_id, url)
);
