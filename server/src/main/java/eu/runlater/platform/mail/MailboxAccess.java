package eu.runlater.platform.mail;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether a request may read the dev mailbox: only a signed-in superadmin, as the database says now
 * (not as the session said at sign-in: a superadmin demoted meanwhile is refused). Implemented by
 * the accounts feature, which knows users.
 */
public interface MailboxAccess {
  boolean allowed(HttpServletRequest request);
}
