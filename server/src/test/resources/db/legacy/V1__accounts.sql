-- Accounts core: organizations (the tenant), users, memberships and API keys.
-- Every table holding tenant data carries organization_id, the future shard key.

CREATE TABLE instance_settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organizations (
    id                      uuid PRIMARY KEY,
    name                    text NOT NULL,
    slug                    text NOT NULL UNIQUE,
    tier                    text NOT NULL DEFAULT 'free' CHECK (tier IN ('free', 'pro')),
    -- whsec_ signing secret, sealed with the instance secret key (AES-256-GCM).
    signing_secret          bytea NOT NULL,
    -- During a rotation the previous secret keeps signing until this instant.
    previous_signing_secret bytea,
    previous_secret_expires_at timestamptz,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    email           text NOT NULL,
    hashed_password text,
    confirmed_at    timestamptz,
    superadmin      boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE memberships (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (organization_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

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
