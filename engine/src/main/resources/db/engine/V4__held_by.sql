-- Why an attempt started after its time (issue 14): a task remembers what held it back, and the
-- attempt that follows carries it into its execution row, so the history can say "held by the
-- open circuit of api.example.com:443 from 06:01 to 06:07" or "the earlier attempt was lost with
-- its node" instead of a bare delay. All nullable without a default: adding them rewrites nothing
-- (the partitions of executions included), and a task that was never held stores no more bytes.
--   held_by:    'host_circuit' (its target's circuit was open), 'host_throttle' (its target asked
--               to slow down: Retry-After), or 'node_lost' (an earlier attempt was lost with its
--               node and rescued).
--   held_since: when the hold began to matter to this task: the later of its due time and the
--               moment the hold was applied, so never before the task's own due time (releasing
--               a hold early brings the task back to at most this instant).
--   held_until: when the hold ended (the circuit closed or its probe became due, the throttle's
--               end, the rescue), or null while it lasts.
--   held_note:  what names the hold: the target (https://api.example.com:443) of a host hold, the
--               node an earlier attempt was lost with.
ALTER TABLE tasks
    ADD COLUMN held_by    text,
    ADD COLUMN held_since timestamptz,
    ADD COLUMN held_until timestamptz,
    ADD COLUMN held_note  text;

ALTER TABLE executions
    ADD COLUMN held_by    text,
    ADD COLUMN held_since timestamptz,
    ADD COLUMN held_until timestamptz,
    ADD COLUMN held_note  text;
