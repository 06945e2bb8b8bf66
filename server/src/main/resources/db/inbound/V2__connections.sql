-- Connections: a source's accepted requests forwarded to a destination, each forward an engine
-- task (source kind 'inbound', source id = inbound_forwards.id) with the delivery contract.

CREATE TABLE inbound_connections (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    source_id          uuid NOT NULL REFERENCES inbound_sources (id) ON DELETE CASCADE,
    name               text NOT NULL,
    destination_url    text NOT NULL,
    -- null: the method the request came with
    method             text,
    -- CEL: a bool (null: every request); a map of body and headers (null: as received)
    filter             text,
    transform          text,
    timeout_ms         int NOT NULL,
    retries            int NOT NULL,
    -- Paused: requests keep arriving and wait as held forwards until resumed.
    paused             boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX inbound_connections_by_source ON inbound_connections (source_id, id);
CREATE INDEX inbound_connections_by_organization ON inbound_connections (organization_id, id DESC);

-- What each connection did with each accepted request: queued (a task was inserted with it),
-- held (the connection was paused), filtered out, or failed (the transformation failed).
CREATE TABLE inbound_forwards (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event_id           uuid NOT NULL REFERENCES inbound_events (id) ON DELETE CASCADE,
    connection_id      uuid NOT NULL REFERENCES inbound_connections (id) ON DELETE CASCADE,
    state              text NOT NULL CHECK (state IN ('queued', 'held', 'filtered', 'failed')),
    detail             text,
    created_at         timestamptz NOT NULL,
    queued_at          timestamptz
);

CREATE INDEX inbound_forwards_by_event ON inbound_forwards (event_id);
CREATE INDEX inbound_forwards_held ON inbound_forwards (connection_id, id) WHERE state = 'held';
