package eu.runlater.platform.idempotency;

import eu.runlater.platform.errors.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.InstantSource;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Registers the idempotency filter after Spring Security (it needs the caller), and the interceptor
 * that tells it which handlers answer with a secret ({@link SecretResponse}).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class IdempotencyConfig implements WebMvcConfigurer {
  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(
        new HandlerInterceptor() {
          @Override
          public boolean preHandle(
              HttpServletRequest request, HttpServletResponse response, Object handler) {
            if (handler instanceof HandlerMethod method
                && method.hasMethodAnnotation(SecretResponse.class)) {
              request.setAttribute(IdempotencyFilter.SECRET_RESPONSE, Boolean.TRUE);
            }
            return true;
          }
        });
  }

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
