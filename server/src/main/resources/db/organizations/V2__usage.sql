-- Deliveries per organization and calendar month (UTC), counted as tasks are claimed; the
-- monthly request quota of a tier is checked against it.
CREATE TABLE usage_months (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    month           date NOT NULL,
    deliveries      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, month)
);
