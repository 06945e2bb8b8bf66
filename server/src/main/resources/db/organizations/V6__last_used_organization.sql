-- When a user last chose (or joined, or created) this organization, so that a new session of
-- theirs opens the organization they last used rather than the first by name.
ALTER TABLE memberships ADD COLUMN last_used_at timestamptz;
