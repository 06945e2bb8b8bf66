-- A node's clock offset (issue 17, R8): its clock minus the database's, in milliseconds, as its
-- heartbeats measure it (the node's time at a heartbeat's round trip midpoint minus now()); null
-- until measured. For the operator's view only: due times, leases and liveness follow the
-- database's clock whatever a node's says. A nullable column without a default: no table rewrite.
ALTER TABLE engine_nodes ADD COLUMN clock_offset_ms integer;
