-- Signing in to the dashboard: magic-link tokens, confirmation and reset tokens, and sign-in
-- attempts for rate limiting. (Sessions and the dev mailbox of the same release: platform V3.)

-- Spring Security's JdbcOneTimeTokenService schema (one-time-tokens-schema.sql): magic links.
-- The service deletes a token when it is used, so each link signs in once.
CREATE TABLE one_time_tokens (
    token_value varchar(36) NOT NULL PRIMARY KEY,
    username    varchar(320) NOT NULL,
    expires_at  timestamp NOT NULL
);

-- Email confirmation and password reset links. Only the SHA-256 of the token is stored.
CREATE TABLE user_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id);

-- Failed sign-ins, counted per address and per client over a sliding window.
CREATE TABLE sign_in_failures (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL,
    client     text NOT NULL,
    failed_at  timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (lower(email), failed_at);
CREATE INDEX sign_in_failures_client_idx ON sign_in_failures (client, failed_at);
