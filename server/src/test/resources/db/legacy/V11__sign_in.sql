-- Signing in to the dashboard: sessions shared by every node, magic-link tokens, confirmation
-- and reset tokens, sign-in attempts for rate limiting, and the dev mailbox.

-- Spring Session JDBC's schema (schema-postgresql.sql in spring-session-jdbc), with room for a
-- whole email address as the principal name. Sessions live in the database so that any node
-- serves any request.
CREATE TABLE spring_session (
    primary_id            char(36) NOT NULL,
    session_id            char(36) NOT NULL,
    creation_time         bigint NOT NULL,
    last_access_time      bigint NOT NULL,
    max_inactive_interval int NOT NULL,
    expiry_time           bigint NOT NULL,
    principal_name        varchar(320),
    CONSTRAINT spring_session_pk PRIMARY KEY (primary_id)
);
CREATE UNIQUE INDEX spring_session_ix1 ON spring_session (session_id);
CREATE INDEX spring_session_ix2 ON spring_session (expiry_time);
CREATE INDEX spring_session_ix3 ON spring_session (principal_name);

CREATE TABLE spring_session_attributes (
    session_primary_id char(36) NOT NULL,
    attribute_name     varchar(200) NOT NULL,
    attribute_bytes    bytea NOT NULL,
    CONSTRAINT spring_session_attributes_pk PRIMARY KEY (session_primary_id, attribute_name),
    CONSTRAINT spring_session_attributes_fk FOREIGN KEY (session_primary_id)
        REFERENCES spring_session (primary_id) ON DELETE CASCADE
);

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

-- Without SMTP_URL, mail lands here and on the log, and /dev/mailbox shows it.
CREATE TABLE dev_mailbox (
    id         uuid PRIMARY KEY,
    recipient  text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    sent_at    timestamptz NOT NULL
);
CREATE INDEX dev_mailbox_sent_idx ON dev_mailbox (sent_at DESC);
