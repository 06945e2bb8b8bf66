package eu.runlater.accounts;

import eu.runlater.platform.mail.MailboxAccess;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * The dev mailbox is the superadmin's: read from the database on each request, as the admin pages
 * do, so that a demotion takes effect in sessions already open.
 */
@Component
class DevMailboxAccess implements MailboxAccess {
  private final Users users;

  DevMailboxAccess(Users users) {
    this.users = users;
  }

  @Override
  public boolean allowed(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    return principal instanceof Authentication auth
        && auth.getPrincipal() instanceof SignedInUser me
        && users.get(me.id()).superadmin();
  }
}
