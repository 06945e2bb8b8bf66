package eu.runlater.platform.security;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Binds the management port ({@code RUNLATER_MANAGEMENT_PORT}), when one is set, to 127.0.0.1:
 * {@link MetricsSecurity} serves metrics there without a token, so only this machine may reach it.
 * Spring refuses a management address without a separate port, so {@code application.yml} cannot
 * carry it unconditionally; this adds it only when the port is set (an explicit {@code
 * management.server.address} wins).
 */
public class ManagementAddress implements EnvironmentPostProcessor, Ordered {
  static final String LOOPBACK = "127.0.0.1";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String port = environment.getProperty("management.server.port");
    if (port == null || port.isBlank() || port.strip().startsWith("-")) {
      return;
    }
    // 0 is a random port of its own (tests); any other value must not be the public port.
    if (!port.strip().equals("0")
        && port.strip().equals(environment.getProperty("server.port", "8080").strip())) {
      throw new IllegalStateException(
          "RUNLATER_MANAGEMENT_PORT must differ from PORT (it is a second, loopback-only port"
              + " for metrics), got "
              + port);
    }
    if (!environment.containsProperty("management.server.address")) {
      environment
          .getPropertySources()
          .addLast(
              new MapPropertySource(
                  "runlater-management-address", Map.of("management.server.address", LOOPBACK)));
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
