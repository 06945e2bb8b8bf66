-- Backpressure and circuits per organization and origin (issue 12): one tenant provoking 429s or
-- timeouts from a shared host (Slack, Discord, a popular API) no longer holds back another tenant's
-- deliveries to it.

-- The target of a task becomes its origin with the port made explicit,
-- "https://api.example.com:443" (see HostKey): "http" and "https" on one host and port are two
-- targets. Rows written before V2's HostKey may lack the port.
UPDATE tasks
SET target_host = lower(substring(url FROM '^([a-zA-Z][a-zA-Z0-9+.-]*)://')) || '://'
    || target_host
    || CASE WHEN target_host ~ ':[0-9]+$' THEN ''
            WHEN lower(url) LIKE 'https://%' THEN ':443'
            ELSE ':80' END
WHERE target_host <> '' AND url ~ '^[a-zA-Z][a-zA-Z0-9+.-]*://';

-- The state held only transient signals (a throttle of at most an hour, failures counted, an open
-- circuit of at most its maximum period), keyed by host alone: it cannot be split between
-- organizations, so it starts empty. Every held task goes back to ready with its own due time and
-- attempts; a host that is still down opens its own circuit again after the threshold.
UPDATE tasks SET state = 'ready' WHERE state = 'held';
DROP TABLE host_states;

-- One organization's view of one origin. A pair without a row is healthy; rows whose throttle
-- passed and whose circuit is closed without failures are deleted by the leader.
--   throttled_until: no attempt of this organization to this origin starts before it (a 429 or
--                    503 with Retry-After).
--   circuit: 'closed', or 'open' until reopen_at; then one probe task goes (probe_task_id), and
--            its success closes the circuit, its failure opens it again for longer.
CREATE TABLE host_states (
    organization_id      uuid NOT NULL,
    host                 text NOT NULL,
    throttled_until      timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    circuit              text NOT NULL DEFAULT 'closed' CHECK (circuit IN ('closed', 'open')),
    opened_at            timestamptz,
    reopen_at            timestamptz,
    open_count           integer NOT NULL DEFAULT 0,
    probe_task_id        uuid,
    last_error           text,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (organization_id, host)
);

-- Waiting tasks of one organization's origin: pushed back when it throttles, held and released
-- with its circuit.
DROP INDEX tasks_host_idx;
CREATE INDEX tasks_host_idx ON tasks (organization_id, target_host) WHERE state <> 'running';

-- Held tasks only (usually none): the leader's pass finds a held task whose circuit is no longer
-- open (an insert that raced the circuit closing) without reading every waiting task.
CREATE INDEX tasks_held_idx ON tasks (organization_id, target_host) WHERE state = 'held';
