-- What an organization holds, for the caps on waiting messages and stored bytes (Caps).
-- Kept by triggers, so every path that adds, finishes, cancels, redrives or deletes a message (or
-- a job) counts, and a push reads a handful of rows instead of counting the messages table.
--
-- Waiting messages: messages in state 'waiting' or 'queued' (accepted, not yet delivered, failed
-- or cancelled). Stored bytes: URL, headers (plain and sealed) and body of those messages, of
-- failed messages (dead letters: retention keeps them until they are deleted or redriven, so they
-- would otherwise pile up without bound) and of every job; delivered and cancelled messages and
-- execution history do not count (they age out with retention).
--
-- Each organization has up to 16 rows ("stripes"); a statement adds to the stripe of its backend
-- (pg_backend_pid() % 16), so concurrent pushes of one organization on different connections do
-- not wait on one row lock until commit. The count is the sum of the stripes.
CREATE TABLE organization_usage (
    organization_id  uuid NOT NULL,
    stripe           smallint NOT NULL,
    waiting_messages bigint NOT NULL DEFAULT 0,
    stored_bytes     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, stripe)
);
-- No foreign key: a deleted organization's rows are removed by the trigger below, and a foreign
-- key would make the cascade's own counting fail.

-- The bytes a stored request takes. octet_length of a bytea or text reads its length word, not
-- the value; the headers' jsonb is small and measured as text (pg_column_size would differ between
-- a row being inserted and the same row read back, and the counts would drift).
CREATE FUNCTION request_bytes(url text, headers jsonb, sealed_headers bytea, body bytea)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT octet_length(url)::bigint + octet_length(headers::text)
           + coalesce(octet_length(sealed_headers), 0) + coalesce(octet_length(body), 0)
$$;

-- The counters of jobs and messages are kept by those modules' triggers (jobs V3, queues V5).

-- A deleted organization's counters.
CREATE FUNCTION organization_usage_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM organization_usage WHERE organization_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER organizations_usage_delete AFTER DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION organization_usage_forget();
