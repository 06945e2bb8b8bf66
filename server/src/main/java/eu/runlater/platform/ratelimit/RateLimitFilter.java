package eu.runlater.platform.ratelimit;

import eu.runlater.platform.errors.Problems;
import eu.runlater.platform.security.ApiPrincipal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits every authenticated request: API calls by their key, dashboard requests by their user. It
 * runs after Spring Security's filters (so the principal is known) and before the idempotency
 * filter (so a refused request is not recorded as an answer). Each answer carries {@code
 * RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers-10); a refusal is a
 * 429 problem with {@code Retry-After}. Anonymous requests (sign-in, static files) are not limited
 * here: the sign-in limiter guards those.
 */
final class RateLimitFilter extends OncePerRequestFilter {
  private final RateLimiter limiter;
  private final Problems problems;

  RateLimitFilter(RateLimiter limiter, Problems problems) {
    this.limiter = limiter;
    this.problems = problems;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.startsWith("/css/")
        || path.startsWith("/js/")
        || path.startsWith("/img/")
        || path.startsWith("/webjars/")
        || path.startsWith("/actuator/")
        || path.equals("/favicon.ico")
        || path.equals("/health");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    RateLimiter.Limited limited = limiter.enabled() ? bucketOf(request) : null;
    if (limited == null) {
      chain.doFilter(request, response);
      return;
    }
    RequestQuota quota = new RequestQuota(limited, response);
    quota.policyHeader();
    if (!quota.chargeTo(1, false)) {
      problems.write(response, quota.refusal(1).toProblemDetail());
      return;
    }
    request.setAttribute(RequestQuota.ATTRIBUTE, quota);
    chain.doFilter(request, response);
  }

  private RateLimiter.Limited bucketOf(HttpServletRequest request) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
      return null;
    }
    if (auth.getPrincipal() instanceof ApiPrincipal api) {
      return limiter.forApiKey(api.apiKeyId(), api.organizationId());
    }
    return limiter.forUser(auth.getName());
  }
}
