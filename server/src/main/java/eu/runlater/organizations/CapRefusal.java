package eu.runlater.organizations;

import eu.runlater.platform.errors.ApiProblem;
import org.springframework.http.HttpStatus;

/**
 * A refusal because an organization (or user) is at one of its tier's caps. The type names the cap
 * ({@code cap-waiting-messages}, {@code cap-stored-bytes}, {@code cap-organizations}, {@code
 * cap-invites-per-day}, {@code cap-invites-per-recipient}); pages show the detail as a form error.
 */
class CapRefusal extends ApiProblem {
  public CapRefusal(HttpStatus status, String cap, String detail) {
    super(status, "cap-" + cap, "Cap reached", detail);
  }
}
