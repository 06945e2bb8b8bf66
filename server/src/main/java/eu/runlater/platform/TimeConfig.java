package eu.runlater.platform;

import java.time.InstantSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The clock every service reads, so tests can substitute a settable one. */
@Configuration(proxyBeanMethods = false)
class TimeConfig {
  @Bean
  @ConditionalOnMissingBean
  InstantSource instantSource() {
    return InstantSource.system();
  }
}
