package eu.runlater.platform.idempotency;

import eu.runlater.platform.errors.Problems;
import java.time.InstantSource;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;

/** Registers the idempotency filter after Spring Security (it needs the caller). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class IdempotencyConfig {
  @Bean
  FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
      IdempotencyStore store, TransactionTemplate tx, Problems problems, InstantSource clock) {
    var registration =
        new FilterRegistrationBean<>(new IdempotencyFilter(store, tx, problems, clock));
    registration.addUrlPatterns("/api/*", "/q/*");
    // Spring Security's chain sits at -100; run after it.
    registration.setOrder(0);
    return registration;
  }
}
