package eu.runlater.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.platform.security.MetricsSecurity.MetricsAccess;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;

/** The metrics token and the management port: what each setting accepts and refuses. */
class MetricsAccessTest {
  static final String TOKEN = "0123456789abcdef0123456789abcdef";

  @Test
  void a_short_metrics_token_is_refused_with_what_to_set() {
    assertThatThrownBy(() -> new MetricsAccess("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RUNLATER_METRICS_TOKEN")
        .hasMessageContaining("32");
  }

  @Test
  void only_the_exact_bearer_token_is_let_in() {
    MetricsAccess access = new MetricsAccess(TOKEN);
    assertThat(access.allows(request("Bearer " + TOKEN))).isTrue();
    assertThat(access.allows(request("bearer " + TOKEN))).isTrue();
    assertThat(access.allows(request("Bearer " + TOKEN.substring(1)))).isFalse();
    assertThat(access.allows(request("Bearer " + TOKEN + "0"))).isFalse();
    assertThat(access.allows(request("Basic " + TOKEN))).isFalse();
    assertThat(access.allows(request(null))).isFalse();
    // No token set: nobody on the public port.
    assertThat(new MetricsAccess("").allows(request("Bearer "))).isFalse();
    assertThat(new MetricsAccess(null).allows(request(null))).isFalse();
  }

  @Test
  void the_management_port_is_bound_to_loopback_and_may_not_be_the_public_port() {
    StandardEnvironment env = environment(Map.of("management.server.port", "9090"));
    new ManagementAddress().postProcessEnvironment(env, null);
    assertThat(env.getProperty("management.server.address")).isEqualTo("127.0.0.1");

    StandardEnvironment unset = environment(Map.of("management.server.port", ""));
    new ManagementAddress().postProcessEnvironment(unset, null);
    assertThat(unset.getProperty("management.server.address")).isNull();

    StandardEnvironment same =
        environment(Map.of("management.server.port", "8080", "server.port", "8080"));
    assertThatThrownBy(() -> new ManagementAddress().postProcessEnvironment(same, null))
        .hasMessageContaining("RUNLATER_MANAGEMENT_PORT must differ from PORT");
  }

  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return env;
  }

  private static MockHttpServletRequest request(String authorization) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/prometheus");
    if (authorization != null) {
      request.addHeader("Authorization", authorization);
    }
    return request;
  }
}
