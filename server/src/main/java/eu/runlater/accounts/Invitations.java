package eu.runlater.accounts;

import java.util.Optional;

/**
 * What a sign-up needs to know about the invitation link it came from ({@link SignupPolicy}).
 * Invitations belong to organizations, which implement this; accounts only asks.
 */
public interface Invitations {

  /**
   * @param email the invited address
   * @param live whether it can still be accepted (not accepted, declined, revoked or expired)
   */
  record Invitation(String email, boolean live) {}

  /** The invitation {@code token} names, in whatever state it is; empty when none. */
  Optional<Invitation> byToken(String token);
}
