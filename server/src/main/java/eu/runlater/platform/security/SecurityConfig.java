package eu.runlater.platform.security;

import eu.runlater.platform.errors.Problems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Two filter chains: {@code /api/**} is stateless and authenticated by API key, with every refusal
 * answered as problem details; everything else (health, metrics, API docs) is open.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

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
    return http.securityMatcher("/api/**")
        .csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(
            new ApiKeyAuthenticationFilter(verifier, entryPoint),
            AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            a -> a.anyRequest().hasAuthority(ApiKeyAuthenticationFilter.API_AUTHORITY))
        .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
        .build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain openChain(HttpSecurity http) throws Exception {
    return http.csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .build();
  }
}
