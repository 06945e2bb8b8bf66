-- A job create's group commit inserts its jobs in a few multi-row statements (up to 128 jobs a
-- transaction): their stored bytes are added to the organization's usage once per statement, as
-- messages' are (queues V5), instead of with one upsert of the usage row per job (jobs V3's row
-- trigger). Deletes keep V3's row trigger (it skips an organization being deleted), and updates
-- too (most change no size and fire nothing).
CREATE FUNCTION organization_usage_jobs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Rows in organization order, so two statements lock the rows of one stripe in one order.
    INSERT INTO organization_usage AS u (organization_id, stripe, stored_bytes)
    SELECT organization_id, pg_backend_pid() % 16,
           sum(request_bytes(url, headers, sealed_headers, body))
    FROM new_rows
    GROUP BY organization_id ORDER BY organization_id
    ON CONFLICT (organization_id, stripe) DO UPDATE
    SET stored_bytes = u.stored_bytes + excluded.stored_bytes;
    RETURN NULL;
END $$;

DROP TRIGGER jobs_usage_insert_delete ON jobs;
CREATE TRIGGER jobs_usage_insert AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION organization_usage_jobs_inserted();
CREATE TRIGGER jobs_usage_delete AFTER DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION organization_usage_job();
