package eu.runlater.organizations;

import java.time.Instant;
import java.util.UUID;

/** An organization as the superadmin sees it in the list of all of them. */
record AdminOrganization(
    UUID id, String name, String slug, Tier tier, long members, Instant createdAt) {}
