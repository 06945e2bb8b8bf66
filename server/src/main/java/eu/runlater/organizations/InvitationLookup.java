package eu.runlater.organizations;

import eu.runlater.accounts.Invitations;
import java.time.InstantSource;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Answers a sign-up's question about the invitation it came from, from {@link Invites}. */
@Component
class InvitationLookup implements Invitations {
  private final Invites invites;
  private final InstantSource clock;

  InvitationLookup(Invites invites, InstantSource clock) {
    this.invites = invites;
    this.clock = clock;
  }

  @Override
  public Optional<Invitation> byToken(String token) {
    return invites
        .byToken(token)
        .map(i -> new Invitation(i.email(), i.state(clock.instant()) == Invite.State.PENDING));
  }
}
