-- The SHA-256 of the magic link mailed by a sign-up that chose a password. Opening that very link
-- confirms the address and keeps the password; confirming through any other mail (a sign-in link,
-- a reset) drops a password set before the address was confirmed, since whoever set it may not
-- own the address. Cleared once the address is confirmed.
ALTER TABLE users ADD COLUMN welcome_token_hash bytea;
