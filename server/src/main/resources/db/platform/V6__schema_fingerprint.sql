-- What the last complete migration run applied: a digest of every chain's migration files
-- (Migrations.fingerprint). A start that finds its own files' digest here has nothing to migrate
-- and skips Flyway's per-chain scan and validation; any other start runs every chain as before.
CREATE TABLE platform_schema_fingerprint (
  id          boolean     PRIMARY KEY DEFAULT true CHECK (id),
  fingerprint text        NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
