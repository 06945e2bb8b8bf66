-- The front of the due tasks, read by every claim (issue 18, target 7): the first p_window ready
-- tasks due by p_upto, priority by priority, each priority in due order from tasks_ready_idx.
--
-- In the claim itself the planner chose how to read this by its estimates, and estimates go wrong
-- exactly when a backlog arrives: statistics taken when nothing was due, and the index's real low
-- end hidden behind the entries of tasks claimed a moment ago, make it expect a few due rows. It
-- then preferred a skip scan of tasks_ready_org_idx, index-only, or a sequential scan, each
-- followed by a sort: every due task read to keep the first hundred (98,000 pages a claim early in
-- the pending benchmark's drains, against a few hundred). With sorting off the only plan left is
-- the ordered index scan that stops at the window. The SET applies while this query is planned and
-- run, and to nothing else.
CREATE FUNCTION engine_claim_front(p_upto timestamptz, p_window integer)
RETURNS TABLE (id uuid, organization_id uuid, priority smallint, run_at timestamptz)
LANGUAGE sql STABLE
SET enable_sort = off
AS $$
  SELECT d.id, d.organization_id, d.priority, d.run_at
  FROM generate_series(0, 9) AS p(priority)
  CROSS JOIN LATERAL (
    SELECT t.id, t.organization_id, t.priority, t.run_at FROM tasks t
    WHERE t.state = 'ready' AND t.priority = p.priority AND t.run_at <= p_upto
    ORDER BY t.run_at, t.id
    LIMIT p_window
  ) d
  LIMIT p_window
$$;
