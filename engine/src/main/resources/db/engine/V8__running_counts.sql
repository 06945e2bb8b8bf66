-- Running tasks counted per organization and node (issue 18, target 7), read by every claim (the
-- organizations' caps), the leader's maintenance probe and the nodes view.
--
-- A task is 'running' for one delivery and is deleted or set back to 'ready' when it completes, so
-- the running-only lease index gathers one dead entry per delivery until a vacuum. Read by a bitmap
-- heap scan, as the planner likes to for a few rows, every count visits every dead entry's heap
-- tuple again and never marks it: with tens of thousands of dead entries between autovacuums a
-- claim read 2,000+ pages for 50 running tasks (14 ms a claim). A plain index scan marks a dead
-- entry the first time it visits its tuple (kill_prior_tuple) and skips it from then on, and the
-- btree removes marked entries when a page fills. The function pins that plan: its SET applies
-- while its query is planned and run, and to nothing else.
CREATE FUNCTION engine_running_counts()
RETURNS TABLE (organization_id uuid, claimed_by text, n integer)
LANGUAGE sql STABLE
SET enable_bitmapscan = off
AS $$
  SELECT organization_id, claimed_by, count(*)::int FROM tasks
  WHERE state = 'running'
  GROUP BY organization_id, claimed_by
$$;
