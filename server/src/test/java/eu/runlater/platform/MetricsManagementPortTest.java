package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * With RUNLATER_MANAGEMENT_PORT, metrics are served on that port, on 127.0.0.1 only, without a
 * token; the public port serves none.
 */
// A context of its own (its properties differ from ServerTest's): closed after the class, so its
// engine and background loops stop instead of running beside every later class of this JVM (the
// test framework keeps cached contexts alive until the JVM ends).
@DirtiesContext
@TestPropertySource(properties = "management.server.port=0")
class MetricsManagementPortTest extends ServerTest {
  @LocalManagementPort int managementPort;

  @Test
  void metrics_are_served_on_the_loopback_management_port_and_not_on_the_public_one()
      throws Exception {
    assertThat(managementPort).isPositive().isNotEqualTo(port);
    var response = new Api(managementPort).get("/actuator/prometheus", null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("jvm_memory_used_bytes");

    // Bound to 127.0.0.1 alone: another address of this machine (127.0.0.2 stands for them, as
    // tests reach nothing beyond loopback) finds nothing listening on that port.
    InetAddress other = InetAddress.getByName("127.0.0.2");
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(other, managementPort), 2_000);
              }
            })
        .isInstanceOf(IOException.class);

    assertThat(api.get("/actuator/prometheus", null).status()).isEqualTo(401);
    assertThat(api.get("/actuator/prometheus", METRICS_TOKEN).status()).isEqualTo(404);
  }
}
