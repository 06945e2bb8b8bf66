-- Magic links keep only the SHA-256 of their token, like reset links, invites and API keys: a
-- copy of the database must not sign anyone in. Spring's plain one_time_tokens table goes; links
-- mailed before the upgrade (15 minutes at most) stop working and can be asked for again.
DROP TABLE one_time_tokens;

CREATE TABLE magic_link_tokens (
    token_hash bytea PRIMARY KEY,
    email      text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX magic_link_tokens_email_idx ON magic_link_tokens (lower(email));
CREATE INDEX magic_link_tokens_expiry_idx ON magic_link_tokens (expires_at);
