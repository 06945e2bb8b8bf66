-- approval steps (issue 19). A waiting approval step's task_id is its timeout (a task to
-- 'workflow:timeout'); this row says who may decide it now. Assignees are member emails (lower
-- case) and roles (owner, admin, member); an escalation adds its assignees when its own timer
-- (escalate_task_id, a task to 'workflow:escalate') fires, a delegation adds the delegate and
-- removes the delegating email. What happened (assignees, escalation, delegations, the decision)
-- is kept in the step's decision, so the run view shows who approved.
CREATE TABLE workflow_approvals (
    run_id            uuid NOT NULL,
    name              text NOT NULL,
    organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    users             text[] NOT NULL,
    roles             text[] NOT NULL,
    escalate_task_id  uuid,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (run_id, name),
    FOREIGN KEY (run_id, name) REFERENCES workflow_run_steps (run_id, name) ON DELETE CASCADE
);

-- The escalation timer's outcome finds its approval.
CREATE UNIQUE INDEX workflow_approvals_escalation ON workflow_approvals (escalate_task_id)
    WHERE escalate_task_id IS NOT NULL;
-- The inbox: an organization's approvals, by the newest run first.
CREATE INDEX workflow_approvals_by_organization ON workflow_approvals (organization_id, run_id DESC);
