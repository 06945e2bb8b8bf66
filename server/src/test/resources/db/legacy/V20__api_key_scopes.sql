-- What a key may do: full (everything; every key made before scopes), read-only (GET and HEAD),
-- send (push messages and trigger jobs). Enforced by the API's authentication filter.
ALTER TABLE api_keys ADD COLUMN scope text NOT NULL DEFAULT 'full'
    CHECK (scope IN ('full', 'read-only', 'send'));
