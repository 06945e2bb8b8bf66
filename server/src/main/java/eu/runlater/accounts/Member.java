package eu.runlater.accounts;

import java.time.Instant;
import java.util.UUID;

/** A member of an organization as the team page lists it. */
public record Member(UUID userId, String email, Role role, Instant joinedAt) {}
