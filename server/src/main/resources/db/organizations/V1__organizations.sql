-- Organizations (the tenant) and who belongs to them. Every table holding tenant data carries
-- organization_id, the future shard key.

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
