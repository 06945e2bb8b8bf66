-- What each queue finished (delivered or dead-lettered), counted per second by the transaction that
-- records the outcomes (queues.MessageOutcomes). The metrics export, every 15 s on every node, reads
-- a queue's last minute from here: at most 60 seconds × a few stripes of rows per queue, however
-- many messages finished, where counting the messages themselves (messages_queue_finished_idx, then
-- each row's state) visited every message of the minute: 1 s of one core at 4,000 messages/s.
--
-- Striped by the writing backend (pg_backend_pid() % 16, as organization_usage): two nodes' completers
-- finishing messages of one queue in the same second do not wait on one counter row. No foreign key:
-- the rows live a few minutes (the leader's sweep deletes older ones) and a deleted queue's are
-- never read (the export joins queues). Nothing to backfill: the figure is a rate over the last
-- minute, so a database upgraded while running shows its first full minute one minute later.
CREATE TABLE queue_finished (
    queue_id     uuid        NOT NULL,
    second_start timestamptz NOT NULL,
    stripe       smallint    NOT NULL,
    delivered    integer     NOT NULL,
    failed       integer     NOT NULL,
    PRIMARY KEY (queue_id, second_start, stripe)
);
