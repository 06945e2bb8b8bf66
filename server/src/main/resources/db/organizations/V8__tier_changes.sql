-- Nodes keep the API keys they verified with their organization's tier (ApiKeys, apikeys V4), for
-- as long as no change is announced on 'runlater_changes' with the topic 'credentials'
-- (ChangeFeed): a tier changed, whoever changes it, is announced at its commit.
CREATE FUNCTION organization_tier_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('runlater_changes', 'credentials');
  RETURN NULL;
END
$$;

CREATE TRIGGER organizations_tier_changed AFTER UPDATE OF tier ON organizations FOR EACH ROW
  WHEN (OLD.tier IS DISTINCT FROM NEW.tier)
  EXECUTE FUNCTION organization_tier_changed();
