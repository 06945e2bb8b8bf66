-- Settings of the whole instance, one value per key: the secret key's salt and check
-- (platform.crypto), the bootstrap marker and the setup link (accounts).
CREATE TABLE instance_settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
