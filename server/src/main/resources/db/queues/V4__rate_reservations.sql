-- A retry that a queue's rate limit deferred holds the slot it was given: when it is claimed at
-- that slot it starts without taking another (see RateGate). Rows live from the deferral to the
-- claim at the slot; a task that left the table first (cancelled, queue deleted) leaves its row
-- to the purge by age.
CREATE TABLE queue_rate_reservations (
    task_id    uuid PRIMARY KEY,
    queue_id   uuid NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    slot       timestamptz NOT NULL
);
CREATE INDEX queue_rate_reservations_slot_idx ON queue_rate_reservations (slot);
