package eu.runlater.platform.security;

import eu.runlater.platform.errors.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>} on every API request. A request without the
 * header passes through unauthenticated (and is refused by the authorization rules with a "missing
 * key" problem); a request with a bad key is refused here with the reason, and so is a request its
 * key's {@link ApiScope} does not allow (403, naming the scope and what it allows).
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {
  static final String API_AUTHORITY = "API";
  private final ApiKeyVerifier verifier;
  private final AuthenticationEntryPoint entryPoint;
  private final Problems problems;

  ApiKeyAuthenticationFilter(
      ApiKeyVerifier verifier, AuthenticationEntryPoint entryPoint, Problems problems) {
    this.verifier = verifier;
    this.entryPoint = entryPoint;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      chain.doFilter(request, response);
      return;
    }
    try {
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new MalformedAuthorization(
            "The Authorization header must be 'Bearer <api key>' (the key looks like"
                + " pk_live_….sk_live_…).");
      }
      ApiPrincipal principal = verifier.verify(header.substring(7).strip());
      String path = request.getRequestURI().substring(request.getContextPath().length());
      if (!principal.scope().allows(request.getMethod(), path)) {
        SecurityContextHolder.clearContext();
        problems.write(response, outOfScope(principal.scope(), request.getMethod(), path));
        return;
      }
      var authentication =
          UsernamePasswordAuthenticationToken.authenticated(
              principal, null, List.of(new SimpleGrantedAuthority(API_AUTHORITY)));
      var context = SecurityContextHolder.createEmptyContext();
      context.setAuthentication(authentication);
      SecurityContextHolder.setContext(context);
      chain.doFilter(request, response);
    } catch (AuthenticationException e) {
      SecurityContextHolder.clearContext();
      entryPoint.commence(request, response, e);
    }
  }

  static ProblemDetail outOfScope(ApiScope scope, String method, String path) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.FORBIDDEN,
            "api-key-scope",
            "Outside the API key's scope",
            "This API key's scope is '"
                + scope.code()
                + "', which allows "
                + scope.allows()
                + "; "
                + method
                + " "
                + path
                + " is not among them. Use a key with the 'full' scope (creating keys and"
                + " rotating secrets need one).");
    problem.setProperty("scope", scope.code());
    return problem;
  }

  static final class MalformedAuthorization extends AuthenticationException {
    MalformedAuthorization(String message) {
      super(message);
    }
  }
}
