package eu.runlater.accounts;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ott.OneTimeTokenService;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.ott.DefaultGenerateOneTimeTokenRequestResolver;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;

/**
 * The dashboard's filter chain (everything the API chain does not match): session sign-in by
 * password or magic link, CSRF on every form, a content security policy that allows only this
 * origin's scripts. Health, API docs, static files, the sign-in pages and invitation links are
 * open.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurity {
  static final String[] OPEN = {
    "/health",
    "/v3/api-docs/**",
    "/swagger-ui/**",
    "/swagger-ui.html",
    "/error",
    "/webjars/**",
    "/css/**",
    "/js/**",
    "/img/**",
    "/favicon.ico",
    "/login",
    "/login/**",
    "/signup",
    "/setup",
    "/invites/**",
    "/password/**",
    "/dev/mailbox",
    "/dev/mailbox/**"
  };

  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none';"
          + " form-action 'self'; base-uri 'self'; object-src 'none'";

  /**
   * Argon2id at OWASP's minimum: 19 MiB, two passes, one lane; at most twice the cores at once
   * ({@link BoundedPasswordEncoder}).
   */
  @Bean
  PasswordEncoder passwordEncoder() {
    return new BoundedPasswordEncoder(
        new Argon2PasswordEncoder(16, 32, 1, 19_456, 2), BoundedPasswordEncoder.defaultPermits());
  }

  @Bean
  @Order(2)
  SecurityFilterChain webChain(HttpSecurity http, SignInFlow flow, OneTimeTokenService tokens)
      throws Exception {
    DefaultGenerateOneTimeTokenRequestResolver expiry =
        new DefaultGenerateOneTimeTokenRequestResolver();
    expiry.setExpiresIn(SignInFlow.MAGIC_LINK_TTL);
    LoginUrlAuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint("/login");
    // An htmx request whose session ended gets the whole page sent to sign-in, not a fragment.
    AuthenticationEntryPoint entryPoint =
        (request, response, e) -> {
          if (request.getHeader("HX-Request") != null) {
            response.setHeader("HX-Redirect", request.getContextPath() + "/login");
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
          } else {
            login.commence(request, response, e);
          }
        };
    return http.authorizeHttpRequests(
            a -> a.requestMatchers(OPEN).permitAll().anyRequest().authenticated())
        // Saved requests are matched without the "?continue" marker, so a sign-in lands on the
        // page's own URL.
        .requestCache(r -> r.requestCache(Sessions.savedRequests()))
        .formLogin(
            f ->
                f.loginPage("/login")
                    .usernameParameter("email")
                    .passwordParameter("password")
                    .successHandler(flow)
                    .failureHandler(flow))
        .oneTimeTokenLogin(
            o ->
                o.tokenService(tokens)
                    .tokenGenerationSuccessHandler(flow)
                    .generateRequestResolver(expiry)
                    .showDefaultSubmitPage(false)
                    .loginPage("/login")
                    // Set after loginPage, which would otherwise make it /login too.
                    .loginProcessingUrl("/login/ott")
                    .authenticationSuccessHandler(flow)
                    .authenticationFailureHandler(flow))
        .addFilterBefore(flow.limitFilter(), UsernamePasswordAuthenticationFilter.class)
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?signed-out"))
        .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint))
        .headers(
            h ->
                h.addHeaderWriter(
                    new DelegatingRequestMatcherHeaderWriter(
                        new NegatedRequestMatcher(
                            PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui/**")),
                        new StaticHeadersWriter("Content-Security-Policy", CSP))))
        .build();
  }
}
