-- Password failures and mail requests (magic links, resets, sign-ups) are limited apart, so
-- requests for mail to an address cannot lock its owner out of signing in with a password.
ALTER TABLE sign_in_failures ADD COLUMN kind text NOT NULL DEFAULT 'password';
