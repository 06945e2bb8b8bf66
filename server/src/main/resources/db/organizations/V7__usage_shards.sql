-- Deliveries of an organization's month in up to 16 rows ("shards") instead of one: every claim
-- adds its deliveries in its transaction (UsageMeter#flush), and with one row per organization and
-- month a completer's hand-off claim and the producer's claim waited for each other's commit on
-- it. A writer adds to a shard of its own (1-15); shard 0 is where a claim that enforces a monthly
-- quota takes its lock and adds what it allowed, so quota decisions still take turns. The month's
-- deliveries are the sum of its shards. Rows that exist become shard 0.
ALTER TABLE usage_months ADD COLUMN shard smallint NOT NULL DEFAULT 0
    CHECK (shard BETWEEN 0 AND 15);
-- A few rows per organization and month: building the key's index is quick, and the swap holds the
-- table's lock only while the constraint is renamed.
CREATE UNIQUE INDEX usage_months_shard ON usage_months (organization_id, month, shard);
ALTER TABLE usage_months DROP CONSTRAINT usage_months_pkey,
    ADD CONSTRAINT usage_months_pkey PRIMARY KEY USING INDEX usage_months_shard;
