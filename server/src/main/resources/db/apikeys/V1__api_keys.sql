-- API keys: each scoped to one organization.
CREATE TABLE api_keys (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- The public half, "pk_live_<id>"; the secret half is never stored, only its SHA-256.
    public_id       text NOT NULL UNIQUE,
    secret_hash     bytea NOT NULL,
    name            text NOT NULL,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id);
