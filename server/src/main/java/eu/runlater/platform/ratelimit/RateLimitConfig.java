package eu.runlater.platform.ratelimit;

import eu.runlater.platform.errors.Problems;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RateLimitConfig {

  /** Right after Spring Security's filter chain, before the idempotency filter (order 0). */
  @Bean
  FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimiter limiter, Problems problems) {
    FilterRegistrationBean<RateLimitFilter> registration =
        new FilterRegistrationBean<>(new RateLimitFilter(limiter, problems));
    registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
    return registration;
  }
}
