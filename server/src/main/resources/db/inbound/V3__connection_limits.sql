-- A connection's flow control: at most `parallelism` forwards in flight and `rate_limit` starts
-- per `rate_period_ms` (1,000 or 60,000). A connection with either is backed by a queue it owns
-- (queues.owner), named after it; its forwards are that queue's messages (message id = forward
-- id). Null: forwards go straight to the engine.
ALTER TABLE inbound_connections
    ADD COLUMN parallelism int,
    ADD COLUMN rate_limit int,
    ADD COLUMN rate_period_ms int CHECK (rate_period_ms IN (1000, 60000)),
    ADD CONSTRAINT inbound_connections_rate CHECK ((rate_limit IS NULL) = (rate_period_ms IS NULL));
