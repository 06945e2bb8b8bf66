-- Workflows are subjects too: a failed run opens an incident, and a workflow may have a rule of
-- its own.
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_subject_kind_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_subject_kind_check
    CHECK (subject_kind IN ('organization', 'job', 'queue', 'monitor', 'workflow'));
