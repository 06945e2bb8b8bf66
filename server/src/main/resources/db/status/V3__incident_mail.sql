-- Mail to a page's confirmed subscribers about an incident update posted with notify (issue 16).
-- One row per (update, subscriber), written in the update's transaction, so an update that was
-- accepted is mailed even if the node dies right after; IncidentMailer on any node takes due rows
-- (FOR UPDATE SKIP LOCKED), sends, and deletes them; a relay that fails for now pushes due_at on.
CREATE TABLE status_mail_outbox (
    id               uuid PRIMARY KEY,
    update_id        uuid NOT NULL REFERENCES status_incident_updates (id) ON DELETE CASCADE,
    subscriber_id    uuid NOT NULL REFERENCES status_subscribers (id) ON DELETE CASCADE,
    due_at           timestamptz NOT NULL,
    attempts         int NOT NULL DEFAULT 0,
    last_error       text,
    UNIQUE (update_id, subscriber_id)
);
CREATE INDEX status_mail_outbox_due ON status_mail_outbox (due_at);
