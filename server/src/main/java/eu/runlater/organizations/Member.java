package eu.runlater.organizations;

import java.time.Instant;
import java.util.UUID;

/** A member of an organization as the team page lists it. */
record Member(UUID userId, String email, Role role, Instant joinedAt) {}
