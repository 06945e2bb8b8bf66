-- Users: who signs in. Memberships (organizations) and API keys (apikeys) point here.
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
