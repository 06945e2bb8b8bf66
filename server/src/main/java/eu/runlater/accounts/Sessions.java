package eu.runlater.accounts;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.stereotype.Component;

/** Dashboard sessions for pages outside accounts: signing someone in, and saved requests. */
@Component
public class Sessions {
  private final SignInUsers signInUsers;
  private final HttpSessionSecurityContextRepository contexts =
      new HttpSessionSecurityContextRepository();

  Sessions(SignInUsers signInUsers) {
    this.signInUsers = signInUsers;
  }

  /** Saved requests without the "?continue" marker; the invite page saves its own the same way. */
  public static HttpSessionRequestCache savedRequests() {
    HttpSessionRequestCache cache = new HttpSessionRequestCache();
    cache.setMatchingRequestParameterName(null);
    return cache;
  }

  /**
   * Signs the account of {@code email} in, in a new session id (no fixation of the one that opened
   * the page).
   */
  public void signIn(String email, HttpServletRequest request, HttpServletResponse response) {
    SignedInUser user = (SignedInUser) signInUsers.loadUserByUsername(email);
    user.eraseCredentials();
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities()));
    SecurityContextHolder.setContext(context);
    if (request.getSession(false) != null) {
      request.changeSessionId();
    }
    contexts.saveContext(context, request, response);
  }
}
