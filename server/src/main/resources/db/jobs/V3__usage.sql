-- Jobs count towards their organization's stored bytes (organizations V4: organization_usage,
-- request_bytes); see there for what is counted and why in stripes.

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

-- What is there already.
INSERT INTO organization_usage (organization_id, stripe, waiting_messages, stored_bytes)
SELECT organization_id, 0, 0, sum(request_bytes(url, headers, sealed_headers, body))
FROM jobs GROUP BY organization_id;
