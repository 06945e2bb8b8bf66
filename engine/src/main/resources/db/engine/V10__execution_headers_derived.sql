-- A delivery's own headers that follow from the execution row's other columns — webhook-id,
-- webhook-timestamp, Runlater-<Kind>-Id, Runlater-Task-Id, Runlater-Execution-Id,
-- Runlater-Attempt and traceparent, whose span id is the low half of the execution id — are left
-- out of request_headers when this is true, and made again when the row is read
-- (eu.runlater.engine.SentHeaders#expand). They were about 420 of the 636 bytes a delivery's
-- request headers took in the row, a fifth of the WAL a delivery writes (issue 18). NULL: the row
-- holds every header it sent, as every row written before this did.
ALTER TABLE executions ADD COLUMN request_headers_derived boolean;
