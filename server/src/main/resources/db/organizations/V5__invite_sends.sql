-- Every invitation mail sent (a create or a resend), for the caps on invitations per
-- organization per day and per recipient per day (Caps). Rows older than two days are
-- removed as new ones are written.
CREATE TABLE invite_sends (
    organization_id uuid NOT NULL,
    email           text NOT NULL,
    sent_at         timestamptz NOT NULL
);
CREATE INDEX invite_sends_organization_idx ON invite_sends (organization_id, sent_at);
CREATE INDEX invite_sends_email_idx ON invite_sends (email, sent_at);
