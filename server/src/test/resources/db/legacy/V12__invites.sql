-- Invitations to join an organization. The link carries 256 random bits; only their SHA-256 is
-- stored. An invite is pending until accepted, declined or revoked, and lapses at expires_at
-- (7 days; a resend gives it a new token and a new expiry). Pending, unexpired invites count
-- towards the tier's member limit.
CREATE TABLE invites (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    token_hash      bytea NOT NULL UNIQUE,
    invited_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    declined_at     timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX invites_organization_idx ON invites (organization_id, created_at DESC);
