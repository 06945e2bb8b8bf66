package eu.runlater.organizations;

import java.time.Instant;
import java.util.UUID;

/** An invitation to join an organization with a role. */
record Invite(
    UUID id,
    UUID organizationId,
    String organizationName,
    String email,
    Role role,
    UUID invitedBy,
    String invitedByEmail,
    Instant createdAt,
    Instant expiresAt,
    Instant acceptedAt,
    Instant declinedAt,
    Instant revokedAt) {

  /** Where an invite stands; only {@code PENDING} can be accepted, declined, resent or revoked. */
  public enum State {
    PENDING,
    EXPIRED,
    ACCEPTED,
    DECLINED,
    REVOKED
  }

  public State state(Instant now) {
    if (acceptedAt != null) {
      return State.ACCEPTED;
    }
    if (declinedAt != null) {
      return State.DECLINED;
    }
    if (revokedAt != null) {
      return State.REVOKED;
    }
    return expiresAt.isAfter(now) ? State.PENDING : State.EXPIRED;
  }
}
