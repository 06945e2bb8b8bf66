-- What an organization holds, for the caps on waiting messages and stored bytes (accounts.Caps).
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

CREATE FUNCTION organization_usage_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Rows in organization order, so two statements lock the rows of one stripe in one order.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO organization_usage AS u (organization_id, stripe, waiting_messages, stored_bytes)
        SELECT organization_id, pg_backend_pid() % 16,
               count(*) FILTER (WHERE state IN ('waiting', 'queued')),
               sum(request_bytes(url, headers, sealed_headers, body))
        FROM new_rows WHERE state IN ('waiting', 'queued', 'failed')
        GROUP BY organization_id ORDER BY organization_id
        ON CONFLICT (organization_id, stripe) DO UPDATE
        SET waiting_messages = u.waiting_messages + excluded.waiting_messages,
            stored_bytes = u.stored_bytes + excluded.stored_bytes;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO organization_usage AS u (organization_id, stripe, waiting_messages, stored_bytes)
        SELECT organization_id, pg_backend_pid() % 16, sum(n), sum(b) FROM (
            SELECT organization_id, (state <> 'failed')::int AS n,
                   request_bytes(url, headers, sealed_headers, body) AS b
            FROM new_rows WHERE state IN ('waiting', 'queued', 'failed')
            UNION ALL
            SELECT organization_id, -(state <> 'failed')::int,
                   -request_bytes(url, headers, sealed_headers, body)
            FROM old_rows WHERE state IN ('waiting', 'queued', 'failed')
        ) d
        GROUP BY organization_id HAVING sum(n) <> 0 OR sum(b) <> 0 ORDER BY organization_id
        ON CONFLICT (organization_id, stripe) DO UPDATE
        SET waiting_messages = u.waiting_messages + excluded.waiting_messages,
            stored_bytes = u.stored_bytes + excluded.stored_bytes;
    ELSE
        INSERT INTO organization_usage AS u (organization_id, stripe, waiting_messages, stored_bytes)
        SELECT o.organization_id, pg_backend_pid() % 16,
               -count(*) FILTER (WHERE o.state IN ('waiting', 'queued')),
               -sum(request_bytes(o.url, o.headers, o.sealed_headers, o.body))
        FROM old_rows o
        -- Not for an organization being deleted: its rows go with it.
        WHERE o.state IN ('waiting', 'queued', 'failed')
          AND EXISTS (SELECT 1 FROM organizations g WHERE g.id = o.organization_id)
        GROUP BY o.organization_id ORDER BY o.organization_id
        ON CONFLICT (organization_id, stripe) DO UPDATE
        SET waiting_messages = u.waiting_messages + excluded.waiting_messages,
            stored_bytes = u.stored_bytes + excluded.stored_bytes;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER messages_usage_insert AFTER INSERT ON messages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organization_usage_add();
CREATE TRIGGER messages_usage_update AFTER UPDATE ON messages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION organization_usage_add();
CREATE TRIGGER messages_usage_delete AFTER DELETE ON messages
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organization_usage_add();

-- Jobs: few rows per statement, and most updates (a cron occurrence) change no size, so a row
-- trigger that fires only when a size changes.
CREATE FUNCTION organization_usage_job() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta bigint := 0;
    org uuid;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        delta := request_bytes(NEW.url, NEW.headers, NEW.sealed_headers, NEW.body);
        org := NEW.organization_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        delta := delta - request_bytes(OLD.url, OLD.headers, OLD.sealed_headers, OLD.body);
        org := OLD.organization_id;
        IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM organizations WHERE id = org) THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO organization_usage AS u (organization_id, stripe, stored_bytes)
    VALUES (org, pg_backend_pid() % 16, delta)
    ON CONFLICT (organization_id, stripe) DO UPDATE
    SET stored_bytes = u.stored_bytes + excluded.stored_bytes;
    RETURN NULL;
END $$;

CREATE TRIGGER jobs_usage_insert_delete AFTER INSERT OR DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION organization_usage_job();
CREATE TRIGGER jobs_usage_update AFTER UPDATE ON jobs
    FOR EACH ROW
    WHEN (request_bytes(OLD.url, OLD.headers, OLD.sealed_headers, OLD.body)
          IS DISTINCT FROM request_bytes(NEW.url, NEW.headers, NEW.sealed_headers, NEW.body))
    EXECUTE FUNCTION organization_usage_job();

-- A deleted organization's counters.
CREATE FUNCTION organization_usage_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM organization_usage WHERE organization_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER organizations_usage_delete AFTER DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION organization_usage_forget();

-- What is there already.
INSERT INTO organization_usage (organization_id, stripe, waiting_messages, stored_bytes)
SELECT organization_id, 0, sum(n), sum(b) FROM (
    SELECT organization_id, (state <> 'failed')::int AS n,
           request_bytes(url, headers, sealed_headers, body) AS b
    FROM messages WHERE state IN ('waiting', 'queued', 'failed')
    UNION ALL
    SELECT organization_id, 0, request_bytes(url, headers, sealed_headers, body) FROM jobs
) d GROUP BY organization_id;
