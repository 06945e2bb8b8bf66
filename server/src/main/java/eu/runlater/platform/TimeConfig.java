package eu.runlater.platform;

import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The clock every service reads, so tests can substitute a settable one. */
@Configuration(proxyBeanMethods = false)
class TimeConfig {
  /**
   * The system clock; {@code runlater.testing.clock-offset} (a duration such as {@code 5s}, for
   * testing only: the fault battery's R8 runs one node ahead of the others) shifts it.
   */
  @Bean
  @ConditionalOnMissingBean
  InstantSource instantSource(@Value("${runlater.testing.clock-offset:0s}") Duration offset) {
    if (offset.isZero()) {
      return InstantSource.system();
    }
    LoggerFactory.getLogger(TimeConfig.class)
        .warn(
            "runlater.testing.clock-offset={}: this node's clock is skewed (testing only)", offset);
    return InstantSource.offset(InstantSource.system(), offset);
  }
}
