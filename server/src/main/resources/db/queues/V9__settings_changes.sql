-- Nodes keep the queue a single push names (MessageStore#findChecked) for as long as no change to
-- a queue is announced on 'runlater_changes' with the topic 'queues' (ChangeFeed, apikeys V4). These
-- triggers announce every change of a queue's settings or name, and its deletion, whoever makes it.
-- The releaser's own bookkeeping (rate_next_at) and updated_at alone announce nothing.
CREATE FUNCTION queues_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('runlater_changes', 'queues');
  RETURN NULL;
END
$$;

CREATE TRIGGER queues_changed AFTER UPDATE ON queues FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name
        OR OLD.organization_id IS DISTINCT FROM NEW.organization_id
        OR OLD.parallelism IS DISTINCT FROM NEW.parallelism
        OR OLD.rate_limit IS DISTINCT FROM NEW.rate_limit
        OR OLD.rate_period_ms IS DISTINCT FROM NEW.rate_period_ms
        OR OLD.retries IS DISTINCT FROM NEW.retries
        OR OLD.timeout_ms IS DISTINCT FROM NEW.timeout_ms
        OR OLD.paused IS DISTINCT FROM NEW.paused
        OR OLD.owner IS DISTINCT FROM NEW.owner)
  EXECUTE FUNCTION queues_changed();

CREATE TRIGGER queues_deleted AFTER DELETE ON queues FOR EACH ROW
  EXECUTE FUNCTION queues_changed();
