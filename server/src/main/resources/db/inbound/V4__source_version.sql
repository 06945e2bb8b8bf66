-- A source's version, raised by every change of it (settings, secret, hosted URL). The hosted URL
-- verifies a request with a source read from a short-lived cache; the batch that stores requests
-- keeps only those whose source still has the version they were verified with (issue 20).
ALTER TABLE inbound_sources ADD COLUMN version bigint NOT NULL DEFAULT 1;
