package eu.runlater.accounts;

import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides whether a sign-up may happen ({@code RUNLATER_SIGNUP}). In {@code invite} mode only
 * someone holding a live invitation signs up, with the invited address, and gets no organization of
 * their own (they join the inviting one by accepting); in {@code open} mode anyone does, and a
 * sign-up without an invitation gets a free organization of its own; in {@code closed} mode nobody.
 * No mode lets a sign-up create a superadmin: the first owner comes from the setup link ({@code
 * eu.runlater.organizations.Setup}). Read per request, so tests switch the mode without a new
 * application context.
 */
@Component
class SignupPolicy {

  /** The sign-up modes, as {@code RUNLATER_SIGNUP} names them. */
  public enum Mode {
    OPEN,
    INVITE,
    CLOSED;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Mode of(String code) {
      for (Mode mode : values()) {
        if (mode.code().equalsIgnoreCase(code.strip())) {
          return mode;
        }
      }
      throw new IllegalArgumentException(
          "RUNLATER_SIGNUP must be open, invite or closed, got '" + code + "'");
    }
  }

  /**
   * What a sign-up may do.
   *
   * @param refusal null when allowed; else why not, for the refusal page
   * @param invitedEmail the only address this sign-up may use (from its invitation), or null
   * @param personalOrganization whether the new account gets a free organization of its own
   */
  public record Decision(String refusal, String invitedEmail, boolean personalOrganization) {
    public boolean allowed() {
      return refusal == null;
    }

    /** What the form should say about {@code email} under this decision, or null. */
    public String emailProblem(String email) {
      if (invitedEmail == null || Users.normalize(email).equalsIgnoreCase(invitedEmail)) {
        return null;
      }
      return "This invitation is for " + invitedEmail + ": sign up with that address.";
    }
  }

  static final String CLOSED_REFUSAL =
      "Sign-up is closed on this instance. Ask its operator for access.";
  static final String INVITE_REFUSAL =
      "Sign-up on this instance is by invitation only. Open the invitation link you were mailed,"
          + " or ask a team on this instance to invite you.";
  static final String INVITE_NOT_LIVE_REFUSAL =
      "That invitation is no longer valid (accepted, declined, revoked or expired). Ask for a new"
          + " one.";

  private final Invitations invitations;
  private volatile Mode mode;

  SignupPolicy(SignupProperties properties, Invitations invitations) {
    this.mode = Mode.of(properties.mode());
    this.invitations = invitations;
  }

  public Mode mode() {
    return mode;
  }

  /** Changes the mode of this node at once; for tests, which share one application context. */
  public void setMode(Mode mode) {
    this.mode = mode;
  }

  /** Whether the sign-in page offers to create an account. */
  public boolean open() {
    return mode == Mode.OPEN;
  }

  /** Whether an invitation's page offers to create an account. */
  public boolean invitable() {
    return mode != Mode.CLOSED;
  }

  /** Whether a sign-up carrying {@code inviteToken} (blank: none) may go ahead, and how. */
  public Decision decide(String inviteToken) {
    Mode current = mode;
    if (current == Mode.CLOSED) {
      return new Decision(CLOSED_REFUSAL, null, false);
    }
    Optional<Invitations.Invitation> invite =
        inviteToken == null || inviteToken.isBlank()
            ? Optional.empty()
            : invitations.byToken(inviteToken);
    boolean live = invite.isPresent() && invite.get().live();
    if (live) {
      // Joins the inviting organization by accepting; no organization of its own.
      return new Decision(null, invite.get().email(), false);
    }
    if (current == Mode.OPEN) {
      return new Decision(null, null, true);
    }
    return new Decision(invite.isPresent() ? INVITE_NOT_LIVE_REFUSAL : INVITE_REFUSAL, null, false);
  }
}
