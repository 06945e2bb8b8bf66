-- The public side of status pages (issue 16).

-- A subscriber's token is looked up by its hash (token_hash); the mails that carry the unsubscribe
-- link need the token itself, so it is also kept sealed with the instance's secret key, like a
-- job's secret headers: a copy of the database alone gives neither away.
ALTER TABLE status_subscribers ADD COLUMN token_sealed bytea;

-- The instance's own components (/status), as the leader's internal checks last measured them.
-- state: operational, degraded, major_outage. detail: the measure in words ("lag 120 ms").
CREATE TABLE status_instance_checks (
    component        text PRIMARY KEY,
    state            text NOT NULL,
    detail           text NOT NULL,
    checked_at       timestamptz NOT NULL
);
