package eu.runlater.platform.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>} on every API request. A request without the
 * header passes through unauthenticated (and is refused by the authorization rules with a "missing
 * key" problem); a request with a bad key is refused here with the reason.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {
  static final String API_AUTHORITY = "API";
  private final ApiKeyVerifier verifier;
  private final AuthenticationEntryPoint entryPoint;

  ApiKeyAuthenticationFilter(ApiKeyVerifier verifier, AuthenticationEntryPoint entryPoint) {
    this.verifier = verifier;
    this.entryPoint = entryPoint;
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

  static final class MalformedAuthorization extends AuthenticationException {
    MalformedAuthorization(String message) {
      super(message);
    }
  }
}
