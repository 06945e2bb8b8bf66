-- An admin key may also call /api/v1/admin/** (tier changes and the organization list across the
-- instance). Only a signed-in superadmin creates one, and it acts only while its creator is still
-- a superadmin (checked on every request, see AdminKeys).
ALTER TABLE api_keys ADD COLUMN admin boolean NOT NULL DEFAULT false;
