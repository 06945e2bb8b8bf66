-- The usage trigger's UPDATE branch (V5) counted every updated row twice, old and new, computing
-- request_bytes (a jsonb-to-text of the headers) for each, to find that a release (waiting ->
-- queued) changes nothing: both states count. A message's flow-control cycle updates its row
-- twice (released, then delivered), so half of that work was for nothing, on the queue's hot
-- path. Now old and new rows are paired by id and only rows whose counted set changes are summed;
-- a statement that changes no count (every release) upserts nothing.
--
-- This relies on what the module does: no UPDATE of messages changes a message's request (url,
-- headers, sealed_headers, body), only its state and bookkeeping, so a row that stays in the
-- counted set keeps its bytes. INSERT and DELETE are unchanged.

CREATE OR REPLACE FUNCTION organization_usage_add() RETURNS trigger LANGUAGE plpgsql AS $$
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
        -- waiting_messages counts waiting and queued; stored_bytes counts those and failed.
        INSERT INTO organization_usage AS u (organization_id, stripe, waiting_messages, stored_bytes)
        SELECT organization_id, pg_backend_pid() % 16, sum(n), sum(b) FROM (
            SELECT n.organization_id,
                   (n.state IN ('waiting', 'queued'))::int
                       - (o.state IN ('waiting', 'queued'))::int AS n,
                   CASE WHEN (n.state IN ('waiting', 'queued', 'failed'))
                                 = (o.state IN ('waiting', 'queued', 'failed')) THEN 0
                        WHEN n.state IN ('waiting', 'queued', 'failed')
                            THEN request_bytes(n.url, n.headers, n.sealed_headers, n.body)
                        ELSE -request_bytes(o.url, o.headers, o.sealed_headers, o.body)
                   END AS b
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (n.state IN ('waiting', 'queued')) <> (o.state IN ('waiting', 'queued'))
               OR (n.state IN ('waiting', 'queued', 'failed'))
                      <> (o.state IN ('waiting', 'queued', 'failed'))
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
