-- An answer that carried a secret (a new API key, a rotated signing secret) is never stored:
-- the row keeps only that the first request succeeded, so a repeat is refused rather than
-- replayed or run again.
ALTER TABLE idempotency_keys ADD COLUMN response_withheld boolean NOT NULL DEFAULT false;
