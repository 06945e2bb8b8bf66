-- A queue another module made for its own use (an inbound connection's rate and parallelism):
-- who owns it, shown in the queues list; its settings, pause and deletion go through the owner.
-- Null for the organization's own queues.
ALTER TABLE queues ADD COLUMN owner text;
