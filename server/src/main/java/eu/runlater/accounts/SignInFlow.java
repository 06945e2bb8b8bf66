package eu.runlater.accounts;

import eu.runlater.platform.web.PublicUrl;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.ott.GenerateOneTimeTokenRequest;
import org.springframework.security.authentication.ott.OneTimeToken;
import org.springframework.security.authentication.ott.OneTimeTokenAuthentication;
import org.springframework.security.authentication.ott.OneTimeTokenService;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.ott.OneTimeTokenGenerationSuccessHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The moving parts of signing in: mailing magic links (the same answer whether or not the address
 * has an account), counting failures, refusing attempts over the limit before any password is
 * checked, and confirming the address of whoever signs in through a link.
 */
@Component
class SignInFlow
    implements OneTimeTokenGenerationSuccessHandler,
        AuthenticationSuccessHandler,
        AuthenticationFailureHandler {
  public static final Duration MAGIC_LINK_TTL = Duration.ofMinutes(15);
  static final String CHECK_MAIL = "/login/check-mail";
  private static final String ATTEMPT = SignInFlow.class.getName() + ".attempt";
  // The SHA-256 of a link mailed to the browser session that gave the right password.
  private static final String PASSWORD_PROVEN_LINK = "runlater.passwordProvenLink";

  private final Users users;
  private final SignInLimiter limiter;
  private final AccountMail mail;
  private final OneTimeTokenService tokens;
  private final PublicUrl publicUrl;
  private final SavedRequestAwareAuthenticationSuccessHandler saved =
      new SavedRequestAwareAuthenticationSuccessHandler();

  SignInFlow(
      Users users,
      SignInLimiter limiter,
      AccountMail mail,
      OneTimeTokenService tokens,
      PublicUrl publicUrl) {
    this.users = users;
    this.limiter = limiter;
    this.mail = mail;
    this.tokens = tokens;
    this.publicUrl = publicUrl;
    saved.setDefaultTargetUrl("/");
  }

  /**
   * A link to this instance: RUNLATER_BASE_URL when set, else http://localhost:&lt;port&gt;; never
   * the request's Host header ({@link PublicUrl}). The request is not used; the parameter stays for
   * the callers.
   */
  public String link(HttpServletRequest request, String path) {
    return publicUrl.of(path);
  }

  /** A fresh magic link for {@code email}, valid for {@link #MAGIC_LINK_TTL}. */
  String magicLink(HttpServletRequest request, String email) {
    return magicLink(newToken(email));
  }

  /**
   * The welcome link of a sign-up that just created {@code user}: a magic link that, opened,
   * confirms the address and keeps the password chosen on that sign-up (any other mail that
   * confirms the address drops it: {@link Users#confirm(java.util.UUID, String, boolean, String)}).
   */
  String welcomeLink(User user) {
    String token = newToken(user.email());
    if (user.hasPassword()) {
      users.rememberWelcomeLink(user.id(), token);
    }
    return magicLink(token);
  }

  private String newToken(String email) {
    return tokens
        .generate(new GenerateOneTimeTokenRequest(Users.normalize(email), MAGIC_LINK_TTL))
        .getTokenValue();
  }

  private String magicLink(String token) {
    return publicUrl.of("/login/magic?token=" + token);
  }

  /** After {@code POST /ott/generate}: mail the link if the address has an account. */
  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, OneTimeToken token)
      throws IOException {
    String email = token.getUsername();
    String client = request.getRemoteAddr();
    if (Users.emailProblem(email) != null) {
      TypedEmail.keep(request, request.getParameter("username"));
      response.sendRedirect(request.getContextPath() + "/login?invalid-email");
      return;
    }
    if (limiter.attempt(SignInLimiter.Kind.MAIL, email, client).isEmpty()) {
      TypedEmail.keep(request, email);
      response.sendRedirect(request.getContextPath() + "/login?locked");
      return;
    }
    if (users.findByEmail(email).isPresent()) {
      mail.signInLink(email, magicLink(token.getTokenValue()));
    }
    response.sendRedirect(request.getContextPath() + CHECK_MAIL);
  }

  @Override
  public void onAuthenticationSuccess(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication)
      throws IOException, ServletException {
    forgetAttempt(request);
    if (authentication instanceof OneTimeTokenAuthentication
        && authentication.getPrincipal() instanceof SignedInUser user) {
      // Opening the mailed link proves the address. A password set before then survives only
      // the sign-up's own welcome link, or a link asked for by this browser with that password.
      String token = request.getParameter("token");
      HttpSession session = request.getSession(false);
      boolean proven =
          session != null
              && token != null
              && LinkTokens.hashText(token).equals(session.getAttribute(PASSWORD_PROVEN_LINK));
      if (session != null) {
        session.removeAttribute(PASSWORD_PROVEN_LINK);
      }
      users.confirm(user.id(), token, proven, session == null ? null : session.getId());
    }
    saved.onAuthenticationSuccess(request, response, authentication);
  }

  @Override
  public void onAuthenticationFailure(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
      throws IOException {
    String email = request.getParameter("email");
    String client = request.getRemoteAddr();
    TypedEmail.keep(request, email);
    if (PasswordHashingBusyException.in(exception)) {
      forgetAttempt(request);
      busy(response);
    } else if (email == null) {
      response.sendRedirect(request.getContextPath() + "/login?expired");
    } else if (exception instanceof CredentialsExpiredException) {
      // The right password for an address not yet confirmed: mail a link that confirms it, and
      // keeps the password if opened in this browser (the owner of the address opening it
      // elsewhere confirms too, without the password: whoever typed it may not be the owner).
      forgetAttempt(request);
      if (limiter.attempt(SignInLimiter.Kind.MAIL, email, client).isPresent()) {
        String token = newToken(email);
        request.getSession().setAttribute(PASSWORD_PROVEN_LINK, LinkTokens.hashText(token));
        mail.welcome(Users.normalize(email), magicLink(token));
      }
      response.sendRedirect(request.getContextPath() + "/login?unconfirmed");
    } else {
      // The failed password was recorded by limitFilter before it was checked.
      response.sendRedirect(request.getContextPath() + "/login?error");
    }
  }

  /** Takes back the attempt limitFilter recorded: a password that was right does not count. */
  private void forgetAttempt(HttpServletRequest request) {
    if (request.getAttribute(ATTEMPT) instanceof Long id) {
      request.removeAttribute(ATTEMPT);
      limiter.forget(id);
    }
  }

  private static void busy(HttpServletResponse response) throws IOException {
    response.setHeader(
        "Retry-After", String.valueOf(PasswordHashingBusyException.RETRY_AFTER_SECONDS));
    response.sendError(
        HttpServletResponse.SC_SERVICE_UNAVAILABLE, PasswordHashingBusyException.MESSAGE);
  }

  /**
   * Records a password attempt and refuses it over the limit, in one step and before the password
   * is hashed and compared: of N parallel attempts at most the limit are checked. A right password
   * takes its attempt back; every hashing slot busy answers 503 with Retry-After.
   */
  OncePerRequestFilter limitFilter() {
    return new OncePerRequestFilter() {
      @Override
      protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
      }

      @Override
      protected void doFilterInternal(
          HttpServletRequest request, HttpServletResponse response, FilterChain chain)
          throws ServletException, IOException {
        // Not an address at all (one of thousands of characters would not even fit the limiter's
        // index): refused like a wrong password, and nothing recorded or hashed.
        if (Users.emailProblem(request.getParameter("email")) != null) {
          TypedEmail.keep(request, request.getParameter("email"));
          response.sendRedirect(request.getContextPath() + "/login?error");
          return;
        }
        OptionalLong attempt =
            limiter.attempt(
                SignInLimiter.Kind.PASSWORD,
                request.getParameter("email"),
                request.getRemoteAddr());
        if (attempt.isEmpty()) {
          TypedEmail.keep(request, request.getParameter("email"));
          response.sendRedirect(request.getContextPath() + "/login?locked");
          return;
        }
        request.setAttribute(ATTEMPT, attempt.getAsLong());
        try {
          chain.doFilter(request, response);
        } catch (PasswordHashingBusyException e) {
          // Thrown past Spring Security by the timing-attack guard for an unknown address.
          forgetAttempt(request);
          busy(response);
        }
      }
    };
  }
}
