-- Inbound webhooks (issue 20): sources with hosted URLs (/in/<token>) and every request they
-- received, stored before it is answered.

CREATE TABLE inbound_sources (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name               text NOT NULL,
    -- The hosted URL is /in/<token>: 128 random bits, URL-safe; rotating it makes a new one.
    token              text NOT NULL UNIQUE,
    -- How a request proves it comes from the provider: none, stripe, github, shopify, slack,
    -- twilio, standard_webhooks, paddle, lemon_squeezy, hmac, basic_auth, api_key. The settings
    -- that are no secret (header, algorithm, encoding, prefix, username, tolerance) are in
    -- verification; the secret (signing secret, password, key) is sealed.
    verification_type  text NOT NULL DEFAULT 'none',
    verification       jsonb NOT NULL DEFAULT '{}',
    sealed_secret      bytea,
    -- Dedup by a provider's event id: a header or a path in the JSON body (null: none).
    dedup_header       text,
    dedup_json_path    text,
    -- The answer to an accepted request (null: 202 with the request id as JSON).
    response_status    int,
    response_body      text,
    response_type      text,
    -- Per-source rate limit: rate_requests per rate_window_s seconds.
    rate_requests      int NOT NULL,
    rate_window_s      int NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX inbound_sources_by_organization ON inbound_sources (organization_id, id DESC);

-- Every request a source's URL received: accepted, duplicate (its event id was seen within
-- 24 h) or rejected (verification failed, too large, rate limited) with the reason.
CREATE TABLE inbound_events (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    source_id          uuid NOT NULL REFERENCES inbound_sources (id) ON DELETE CASCADE,
    received_at        timestamptz NOT NULL,
    method             text NOT NULL,
    -- What followed /in/<token> in the path ('' for none), and the raw query string.
    path               text NOT NULL,
    query              text,
    -- [[name, value], …] in the order received; credentials of basic_auth and api_key hidden.
    headers            jsonb NOT NULL,
    body               bytea,
    body_size          bigint NOT NULL,
    source_ip          text,
    status             text NOT NULL CHECK (status IN ('accepted', 'duplicate', 'rejected')),
    reason             text,
    -- The verification's outcome: {"type": …, "verified": bool, "detail": …}
    verification       jsonb,
    event_key          text
);

CREATE INDEX inbound_events_by_organization ON inbound_events (organization_id, id DESC);
CREATE INDEX inbound_events_by_source ON inbound_events (source_id, id DESC);

-- Event ids seen per source, for 24 h: one row per (source, id); an insert that conflicts with
-- an unexpired row is a duplicate.
CREATE TABLE inbound_dedup (
    source_id          uuid NOT NULL REFERENCES inbound_sources (id) ON DELETE CASCADE,
    event_key          text NOT NULL,
    event_id           uuid NOT NULL,
    expires_at         timestamptz NOT NULL,
    PRIMARY KEY (source_id, event_key)
);
