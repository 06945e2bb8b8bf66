-- An answer that carried a secret (a new API key, a rotated signing secret) is never stored:
-- the row keeps only that the first request succeeded, so a repeat is refused rather than
-- replayed or run again.
ALTER TABLE idempotency_keys ADD COLUMN response_withheld boolean NOT NULL DEFAULT false;

-- Answers stored before this version may hold a plain API key or signing secret, replayed for up
-- to 24 hours: from now on they are withheld, as if recorded so, and their body is cleared. The
-- prefixes are the ones IdempotencyFilter looks for.
UPDATE idempotency_keys
SET response_body = NULL, response_withheld = true
WHERE position(convert_to('sk_live_', 'UTF8') IN response_body) > 0
   OR position(convert_to('whsec_', 'UTF8') IN response_body) > 0;
