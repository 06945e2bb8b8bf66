-- Changes an organization's open pages must see that no execution shows: a decision on an
-- approval, an event that resumed a step, a cancelled run. LiveFeed's fingerprint reads the
-- version, so every node's viewers refresh; it moves in the transaction of the change.
CREATE TABLE live_changes (
    organization_id  uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    version          bigint NOT NULL
);
