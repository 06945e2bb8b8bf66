-- A deleted connection keeps its row, marked deleted_at, so that its forwards — the record of
-- which requests it forwarded, and where, beside their attempts in executions — outlive it. Before,
-- they went with it (ON DELETE CASCADE), and a request it had delivered said it was never
-- forwarded. A deleted connection takes no new requests, cannot be read, changed, paused or resumed
-- through the API, and is named "(deleted)" on the requests it forwarded. Deleting its source or
-- its organization still removes it, forwards included, as before.
ALTER TABLE inbound_connections ADD COLUMN deleted_at timestamptz;
