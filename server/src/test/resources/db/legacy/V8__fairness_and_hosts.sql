-- Fairness between organizations, and backpressure per target host.

-- How many of an organization's tasks may run at once, cluster-wide. The server keeps one row
-- per organization, set from its tier; an organization without a row gets the engine's default
-- (EngineConfig.defaultOrganizationCap). The claim counts running tasks per organization from the
-- small running set (tasks_lease_idx) and takes no more than each cap leaves room for.
CREATE TABLE organization_caps (
    organization_id uuid PRIMARY KEY,
    max_running     integer NOT NULL CHECK (max_running >= 1)
);

-- The host a task delivers to, "host:port" in lower case with the scheme's default port made
-- explicit (see HostKey): two services on two ports of one machine are two hosts.
ALTER TABLE tasks ADD COLUMN target_host text NOT NULL DEFAULT '';
UPDATE tasks SET target_host = lower(substring(url FROM '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?([^/?#]+)'))
WHERE target_host = '';

-- 'held': waiting for its host's circuit to close. A held task is out of the ready index, so the
-- claim never looks at it; it keeps its run_at and its attempts, and goes back to ready when the
-- circuit closes (HostGuard).
ALTER TABLE tasks DROP CONSTRAINT tasks_state_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_state_check CHECK (state IN ('ready', 'running', 'held'));

-- Waiting tasks of one host: pushed back when the host throttles, held and released with its
-- circuit. Every write of a task already moves it in the ready index (state and run_at change), so
-- no write was a HOT update before; this index costs one more entry per insert, claim and retry.
CREATE INDEX tasks_host_idx ON tasks (target_host) WHERE state <> 'running';

-- Ready tasks by organization: only the claim's fallback walks it, when organizations at their
-- cap fill the front of the ready index (see TaskQueries.TASK_CLAIM_DUE).
CREATE INDEX tasks_ready_org_idx ON tasks (organization_id, priority, run_at, id)
    WHERE state = 'ready';

-- Hosts in trouble, shared by every node. A host without a row is healthy; rows whose throttle
-- passed and whose circuit is closed without failures are deleted by the leader.
--   throttled_until: no attempt starts before it (a 429 or 503 with Retry-After).
--   circuit: 'closed', or 'open' until reopen_at; then one probe task goes (probe_task_id),
--            and its success closes the circuit, its failure opens it again for longer.
CREATE TABLE host_states (
    host                 text PRIMARY KEY,
    throttled_until      timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    circuit              text NOT NULL DEFAULT 'closed' CHECK (circuit IN ('closed', 'open')),
    opened_at            timestamptz,
    reopen_at            timestamptz,
    open_count           integer NOT NULL DEFAULT 0,
    probe_task_id        uuid,
    last_error           text,
    updated_at           timestamptz NOT NULL
);

-- Existing organizations get their tier's cap when the server's tables are here (the engine's
-- own tests run without them). The numbers are eu.runlater.accounts.Tier's concurrency.
DO $$
BEGIN
    IF to_regclass('organizations') IS NOT NULL THEN
        EXECUTE $sql$
            INSERT INTO organization_caps (organization_id, max_running)
            SELECT id, CASE tier WHEN 'pro' THEN 500 ELSE 20 END FROM organizations
            ON CONFLICT (organization_id) DO NOTHING
        $sql$;
    END IF;
END $$;
