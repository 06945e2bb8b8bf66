-- Nodes keep the API key rows they verified, with their organization's tier (ApiKeys), for as long
-- as no change is announced on 'runlater_changes' with the topic 'credentials' (ChangeFeed). These
-- triggers announce every change of a key a verification reads, whoever makes it (the API, another
-- node, an operator's psql): a key revoked, re-scoped or deleted (with its organization too);
-- organizations V8 announces a tier changed. Recording a key's use (last_used_at) announces
-- nothing. A NOTIFY is sent at commit, and identical ones in one transaction are sent once.
CREATE FUNCTION credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('runlater_changes', 'credentials');
  RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
        OR OLD.scope IS DISTINCT FROM NEW.scope
        OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash
        OR OLD.public_id IS DISTINCT FROM NEW.public_id
        OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION credentials_changed();

CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys FOR EACH ROW
  EXECUTE FUNCTION credentials_changed();
