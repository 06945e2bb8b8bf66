-- Node liveness (issue 17): one row per engine process. Each node writes its heartbeat here every
-- heartbeat interval with the database's clock (now()), so a node whose own clock is off can look
-- neither dead nor alive by mistake. The leader marks a node whose heartbeat is older than its
-- dead-after 'dead' and, in the same transaction, hands the node's running tasks on (fenced by
-- their lease tokens, a 'lost' execution naming the node). A node stopped gracefully marks itself
-- 'stopped' and is never declared dead. Rows of nodes gone for more than 7 days are pruned.
--   started_at:   when the node's engine started (the database's clock).
--   heartbeat_at: its last heartbeat (the database's clock); for a stopped node, when it stopped.
--   version:      the Runlater version it runs.
--   host, pid:    where it runs, to find it.
--   state:        'alive', 'dead' (declared by the leader after its silence) or 'stopped'.
--   dead_at:      when it was declared dead; cleared when it heartbeats again.
--   leader_pid:   the backend pid of the node's own session, recorded while that session holds
--                 the leader lock, so another node can end the session of a silent leader
--                 (pg_terminate_backend) and take over.
-- Heartbeats update a row in place every few seconds: no index beyond the primary key, and room
-- on each page, so every update is a HOT update.
CREATE TABLE engine_nodes (
    node_id      text PRIMARY KEY,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    version      text NOT NULL,
    host         text NOT NULL,
    pid          bigint NOT NULL,
    state        text NOT NULL DEFAULT 'alive' CHECK (state IN ('alive', 'dead', 'stopped')),
    dead_at      timestamptz,
    leader_pid   integer
) WITH (fillfactor = 50);
