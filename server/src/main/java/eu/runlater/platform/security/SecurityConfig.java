package eu.runlater.platform.security;

import eu.runlater.platform.errors.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Three filter chains: the public endpoints ({@link #PUBLIC}: pings, badges, status pages) are
 * open, stateless and without CSRF tokens, since what they accept needs no session (a ping's token,
 * a subscription confirmed by mail); {@code /api/**} and the proxy's {@code /q/**} are stateless
 * and authenticated by API key, with every refusal answered as problem details. Everything else
 * goes through the dashboard's chain ({@code accounts.WebSecurity}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {
  /** Paths anyone may use without signing in; nothing in them reads a session. */
  static final String[] PUBLIC = {
    "/ping/**",
    "/badge/**",
    "/status",
    "/status/**",
    // inbound webhooks' hosted URLs: the token is the secret, the source's verification the proof
    "/in/**"
  };

  private static final String PUBLIC_CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'self';"
          + " form-action 'self'; base-uri 'self'; object-src 'none'";

  @Bean
  @Order(0)
  SecurityFilterChain publicChain(HttpSecurity http) throws Exception {
    return http.securityMatcher(PUBLIC)
        .csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .securityContext(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .headers(
            h ->
                h.frameOptions(f -> f.sameOrigin())
                    .contentSecurityPolicy(c -> c.policyDirectives(PUBLIC_CSP)))
        .build();
  }

  @Bean
  @Order(1)
  SecurityFilterChain apiChain(HttpSecurity http, ApiKeyVerifier verifier, Problems problems)
      throws Exception {
    AuthenticationEntryPoint entryPoint =
        (request, response, e) -> {
          String detail =
              e instanceof InsufficientAuthenticationException
                  ? "This endpoint needs an API key: send 'Authorization: Bearer"
                      + " pk_live_….sk_live_…'."
                  : e.getMessage();
          response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"runlater\"");
          problems.write(
              response,
              Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail));
        };
    AccessDeniedHandler denied =
        (request, response, e) -> {
          ProblemDetail problem =
              Problems.of(
                  HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "This API key may not do this.");
          problems.write(response, problem);
        };
    return http.securityMatcher("/api/**", "/q/**")
        .csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(
            new ApiKeyAuthenticationFilter(verifier, entryPoint, problems),
            AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            a -> a.anyRequest().hasAuthority(ApiKeyAuthenticationFilter.API_AUTHORITY))
        .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
        .build();
  }

  /**
   * No observations of Spring Security's filter chains: with a registry present it wraps every
   * filter of every request in observations (a timer and a long-task timer each, read by nobody), a
   * visible share of a small API request's CPU. The request's own timing stays in {@code
   * http.server.requests}.
   */
  @Bean
  SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  /**
   * The default firewall refuses {@code //} and encoded {@code %} and {@code ;} in a path; the
   * proxy's path is a whole URL ({@code /q/https://host/a%20b;v=1}), so those pass there, and only
   * there. Paths with {@code ..} or {@code .} segments stay refused everywhere. It also refuses
   * methods other than GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS; a hosted URL of inbound
   * webhooks ({@code /in/…}) takes any method and stores it, so any passes there, and only there:
   * nothing under {@code /in/} grants anything by method.
   */
  @Bean
  WebSecurityCustomizer firewall() {
    StrictHttpFirewall strict = new StrictHttpFirewall();
    StrictHttpFirewall proxy = new StrictHttpFirewall();
    proxy.setAllowUrlEncodedDoubleSlash(true);
    proxy.setAllowUrlEncodedPercent(true);
    proxy.setAllowSemicolon(true);
    StrictHttpFirewall inbound = new StrictHttpFirewall();
    inbound.setUnsafeAllowAnyHttpMethod(true);
    HttpFirewall firewall =
        new HttpFirewall() {
          @Override
          public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
            String uri = request.getRequestURI();
            StrictHttpFirewall chosen =
                uri == null
                    ? strict
                    : uri.startsWith("/q/") ? proxy : uri.startsWith("/in/") ? inbound : strict;
            return chosen.getFirewalledRequest(request);
          }

          @Override
          public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
            return strict.getFirewalledResponse(response);
          }
        };
    return web -> web.httpFirewall(firewall);
  }
}
