package eu.runlater.organizations;

import java.time.Instant;
import java.util.UUID;

/** The tenant: everything a user creates belongs to exactly one organization. */
public record Organization(
    UUID id, String name, String slug, Tier tier, Instant createdAt, Instant updatedAt) {}
