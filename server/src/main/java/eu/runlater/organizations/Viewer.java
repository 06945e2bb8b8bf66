package eu.runlater.organizations;

import eu.runlater.accounts.User;
import eu.runlater.platform.web.PageException;
import java.util.List;
import java.util.UUID;

/**
 * Who is looking at a page: the signed-in user, the organization the page shows (the one they
 * switched to, else their first), their role there, and every organization they belong to (for the
 * header's switcher). Read per request, so a changed role applies on the next click.
 */
public record Viewer(User user, Membership current, List<Membership> memberships) {

  public UUID organizationId() {
    return current.organizationId();
  }

  public Role role() {
    return current.role();
  }

  public boolean may(Permission permission) {
    return current.role().may(permission);
  }

  /** Ends the request with a 403 page unless the role allows {@code permission}. */
  public void require(Permission permission, String what) {
    if (!may(permission)) {
      throw PageException.forbidden(what);
    }
  }
}
