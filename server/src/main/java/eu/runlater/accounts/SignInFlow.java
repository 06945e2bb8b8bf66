package eu.runlater.accounts;

import eu.runlater.platform.RunlaterProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
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
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The moving parts of signing in: mailing magic links (the same answer whether or not the address
 * has an account), counting failures, refusing attempts over the limit before any password is
 * checked, and confirming the address of whoever signs in through a link.
 */
@Component
public class SignInFlow
    implements OneTimeTokenGenerationSuccessHandler,
        AuthenticationSuccessHandler,
        AuthenticationFailureHandler {
  public static final Duration MAGIC_LINK_TTL = Duration.ofMinutes(15);
  static final String CHECK_MAIL = "/login/check-mail";

  private final Users users;
  private final SignInLimiter limiter;
  private final AccountMail mail;
  private final OneTimeTokenService tokens;
  private final RunlaterProperties properties;
  private final SavedRequestAwareAuthenticationSuccessHandler saved =
      new SavedRequestAwareAuthenticationSuccessHandler();

  SignInFlow(
      Users users,
      SignInLimiter limiter,
      AccountMail mail,
      OneTimeTokenService tokens,
      RunlaterProperties properties) {
    this.users = users;
    this.limiter = limiter;
    this.mail = mail;
    this.tokens = tokens;
    this.properties = properties;
    saved.setDefaultTargetUrl("/");
  }

  /** A link to this instance: RUNLATER_BASE_URL when set, else the address the request used. */
  public String link(HttpServletRequest request, String path) {
    String base = properties.baseUrl();
    if (base == null || base.isBlank()) {
      base =
          UriComponentsBuilder.fromUriString(request.getRequestURL().toString())
              .replacePath(request.getContextPath())
              .replaceQuery(null)
              .build()
              .toUriString();
    }
    return base + path;
  }

  /** A fresh magic link for {@code email}, valid for {@link #MAGIC_LINK_TTL}. */
  String magicLink(HttpServletRequest request, String email) {
    OneTimeToken token =
        tokens.generate(new GenerateOneTimeTokenRequest(Users.normalize(email), MAGIC_LINK_TTL));
    return link(request, "/login/magic?token=" + token.getTokenValue());
  }

  /** After {@code POST /ott/generate}: mail the link if the address has an account. */
  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, OneTimeToken token)
      throws IOException {
    String email = token.getUsername();
    String client = request.getRemoteAddr();
    if (Users.emailProblem(email) != null) {
      response.sendRedirect(request.getContextPath() + "/login?invalid-email");
      return;
    }
    if (limiter.blocked(SignInLimiter.Kind.MAIL, email, client)) {
      response.sendRedirect(request.getContextPath() + "/login?locked");
      return;
    }
    limiter.record(SignInLimiter.Kind.MAIL, email, client);
    if (users.findByEmail(email).isPresent()) {
      mail.signInLink(email, link(request, "/login/magic?token=" + token.getTokenValue()));
    }
    response.sendRedirect(request.getContextPath() + CHECK_MAIL);
  }

  @Override
  public void onAuthenticationSuccess(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication)
      throws IOException, ServletException {
    if (authentication instanceof OneTimeTokenAuthentication
        && authentication.getPrincipal() instanceof SignedInUser user) {
      // Opening the mailed link proves the address.
      users.confirm(user.id());
    }
    saved.onAuthenticationSuccess(request, response, authentication);
  }

  @Override
  public void onAuthenticationFailure(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
      throws IOException {
    String email = request.getParameter("email");
    String client = request.getRemoteAddr();
    if (email == null) {
      response.sendRedirect(request.getContextPath() + "/login?expired");
    } else if (exception instanceof CredentialsExpiredException) {
      // The right password for an address not yet confirmed: mail a link that confirms it.
      if (!limiter.blocked(SignInLimiter.Kind.MAIL, email, client)) {
        limiter.record(SignInLimiter.Kind.MAIL, email, client);
        mail.welcome(Users.normalize(email), magicLink(request, email));
      }
      response.sendRedirect(request.getContextPath() + "/login?unconfirmed");
    } else {
      limiter.record(SignInLimiter.Kind.PASSWORD, email, client);
      response.sendRedirect(request.getContextPath() + "/login?error");
    }
  }

  /** Refuses a password attempt over the limit before the password is hashed and compared. */
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
        if (limiter.blocked(
            SignInLimiter.Kind.PASSWORD, request.getParameter("email"), request.getRemoteAddr())) {
          response.sendRedirect(request.getContextPath() + "/login?locked");
          return;
        }
        chain.doFilter(request, response);
      }
    };
  }
}
