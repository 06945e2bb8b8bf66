-- A queue's measured throughput (messages finished in the last minute, shown by the API and
-- exported as a metric) is read from this index: the last minute of one queue is a short range.
CREATE INDEX messages_queue_finished_idx ON messages (queue_id, finished_at)
    WHERE finished_at IS NOT NULL;
