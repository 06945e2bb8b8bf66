-- A target URL that is itself a secret (issue 15): a Slack, Discord or Teams webhook URL, a
-- Telegram bot URL with its token in the path, an ntfy topic. The task keeps a shown form in
-- `url` (scheme, host and port, the rest masked: enough for host states and the history) and the
-- real URL sealed under the instance key in `sealed_url`; the attempt opens it just before
-- sending and its execution row keeps the sealed copy beside the shown one. Nullable without a
-- default: adding them rewrites nothing, and a task with a plain URL stores no more bytes.
ALTER TABLE tasks ADD COLUMN sealed_url bytea;

ALTER TABLE executions ADD COLUMN request_sealed_url bytea;
