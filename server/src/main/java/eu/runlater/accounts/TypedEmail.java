package eu.runlater.accounts;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * The address typed into a refused sign-in form, carried to the form shown again so nobody types it
 * twice. It travels in the session, once, not in the URL: addresses do not belong in access logs.
 */
final class TypedEmail {
  private static final String KEY = TypedEmail.class.getName();
  // The longest address Users accepts; anything longer is not kept.
  private static final int MAX = 320;

  private TypedEmail() {}

  static void keep(HttpServletRequest request, String email) {
    if (email != null && !email.isBlank() && email.length() <= MAX) {
      request.getSession().setAttribute(KEY, email.strip());
    }
  }

  /** The kept address (then forgotten), or null. */
  static String take(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null || !(session.getAttribute(KEY) instanceof String email)) {
      return null;
    }
    session.removeAttribute(KEY);
    return email;
  }
}
