package eu.runlater.organizations;

import java.util.UUID;

/** A user's place in one organization. */
public record Membership(UUID organizationId, String organizationName, Tier tier, Role role) {}
