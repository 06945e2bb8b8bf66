-- A step row is written twice (started, finished). Neither write should touch an index when it
-- need not: PostgreSQL updates a row in place on its page (a HOT update, no index entry added)
-- only when no indexed column changes — the columns of an index's predicate included — and the
-- page has room. The waiting index's predicate named state, so every step's every write was a
-- full one: a new entry in the primary key and in the task index each time.
--
-- The waiting index now keys on waiting_for alone, which every write that ends a step clears
-- (only a running wait_for_event step names its event), and the table leaves room on its pages
-- for a row's next version.
UPDATE workflow_run_steps SET waiting_for = NULL
WHERE waiting_for IS NOT NULL AND state <> 'running';

DROP INDEX workflow_run_steps_waiting;
CREATE INDEX workflow_run_steps_waiting ON workflow_run_steps (waiting_for)
    WHERE waiting_for IS NOT NULL;

ALTER TABLE workflow_run_steps SET (fillfactor = 70);
