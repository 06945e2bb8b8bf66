package eu.runlater.platform.security;

import eu.runlater.platform.errors.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may read {@code /actuator/**} (the Prometheus metrics): a scraper that sends {@code
 * Authorization: Bearer <RUNLATER_METRICS_TOKEN>}, or anyone reaching the management port ({@code
 * RUNLATER_MANAGEMENT_PORT}, bound to 127.0.0.1). Everyone else gets a 401 problem that says how to
 * enable metrics; with neither setting, that is every request: metrics describe every tenant's
 * traffic and are nobody's business by default.
 */
@Configuration(proxyBeanMethods = false)
class MetricsSecurity {

  /**
   * The token, if set, and the management port once its server is up.
   *
   * <p>The comparison hashes both sides and compares the digests in constant time, so neither the
   * token's content nor its length leaks through response times.
   */
  static final class MetricsAccess implements ApplicationListener<WebServerInitializedEvent> {
    static final int MIN_TOKEN_LENGTH = 32;
    private final byte[] tokenDigest;
    private volatile int managementPort = -1;

    MetricsAccess(String token) {
      if (token != null && !token.isBlank() && token.strip().length() < MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            "RUNLATER_METRICS_TOKEN must be at least "
                + MIN_TOKEN_LENGTH
                + " characters (for example: openssl rand -hex 32)");
      }
      this.tokenDigest = token == null || token.isBlank() ? null : sha256(token.strip());
    }

    boolean tokenConfigured() {
      return tokenDigest != null;
    }

    boolean allows(HttpServletRequest request) {
      if (managementPort > 0 && request.getLocalPort() == managementPort) {
        return true;
      }
      String header = request.getHeader(HttpHeaders.AUTHORIZATION);
      if (tokenDigest == null
          || header == null
          || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return false;
      }
      return MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).strip()));
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
      // The child context of a separate management port announces itself under this namespace;
      // its event reaches this (the parent context's) listener.
      if ("management".equals(event.getApplicationContext().getServerNamespace())) {
        managementPort = event.getWebServer().getPort();
      }
    }

    private static byte[] sha256(String value) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Bean
  MetricsAccess metricsAccess(@Value("${runlater.metrics-token:}") String token) {
    return new MetricsAccess(token);
  }

  @Bean
  @Order(0)
  SecurityFilterChain metricsChain(HttpSecurity http, MetricsAccess access, Problems problems)
      throws Exception {
    AuthenticationEntryPoint refuse =
        (request, response, e) -> {
          String detail =
              access.tokenConfigured()
                  ? "Metrics need the metrics token: send 'Authorization: Bearer"
                      + " <RUNLATER_METRICS_TOKEN>'."
                  : "Metrics are not served to this address. Set RUNLATER_METRICS_TOKEN and send"
                      + " 'Authorization: Bearer <token>', or set RUNLATER_MANAGEMENT_PORT to serve"
                      + " them on 127.0.0.1 only.";
          response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"runlater-metrics\"");
          problems.write(
              response,
              Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail));
        };
    return http.securityMatcher("/actuator/**")
        .csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            a ->
                a.anyRequest()
                    .access(
                        (authentication, context) ->
                            new AuthorizationDecision(access.allows(context.getRequest()))))
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(refuse)
                    .accessDeniedHandler(
                        (request, response, denied) -> refuse.commence(request, response, null)))
        .build();
  }
}
