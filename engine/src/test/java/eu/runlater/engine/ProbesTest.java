package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Uptime probes against real local servers, under the delivery path's SSRF guard. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProbesTest {
  private static final CountDownLatch never = new CountDownLatch(1);
  private static HttpServer server;
  private static HttpsServer tls;
  private static TestCa ca;
  private static Instant notAfter;
  private static Probes probes;

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/ok",
        ex -> {
          byte[] body = "all systems go".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.createContext(
        "/moved",
        ex -> {
          ex.getResponseHeaders().add("Location", "/ok");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    server.createContext(
        "/to-private",
        ex -> {
          ex.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
          ex.sendResponseHeaders(301, -1);
          ex.close();
        });
    server.createContext(
        "/hang",
        ex -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    server.start();

    ca = TestCa.create();
    notAfter = Instant.now().plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.SECONDS);
    tls = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tls.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext("checks.test", notAfter)));
    tls.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    tls.start();
    probes = new Probes(TargetPolicy.parse("127.0.0.1/32"), "Runlater/test", ca.trustingClient());
  }

  @AfterAll
  static void stop() {
    never.countDown();
    probes.close();
    server.stop(0);
    tls.stop(0);
  }

  private static URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static Probes.HttpProbe get(URI url, Duration timeout, boolean follow) {
    return new Probes.HttpProbe(url, "GET", List.of(), null, timeout, follow);
  }

  @Test
  void answers_with_status_body_duration_and_address() {
    Probes.Result r = probes.http(get(url("/ok"), Duration.ofSeconds(5), true));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("all systems go");
    assertThat(r.remoteAddress()).isEqualTo("127.0.0.1");
    assertThat(r.tlsNotAfter()).isNull();
    assertThat(r.duration()).isPositive();
  }

  @Test
  void follows_a_redirect_when_asked_and_not_otherwise() {
    Probes.Result followed = probes.http(get(url("/moved"), Duration.ofSeconds(5), true));
    Probes.Result kept = probes.http(get(url("/moved"), Duration.ofSeconds(5), false));

    assertThat(followed.status()).isEqualTo(200);
    assertThat(followed.redirects()).isEqualTo(1);
    assertThat(followed.finalUrl()).isEqualTo(url("/ok"));
    assertThat(kept.status()).isEqualTo(302);
    assertThat(kept.redirects()).isZero();
  }

  @Test
  void refuses_a_redirect_to_a_private_address() {
    Probes.Result r = probes.http(get(url("/to-private"), Duration.ofSeconds(5), true));

    assertThat(r.answered()).isFalse();
    assertThat(r.failure()).isEqualTo("blocked");
    assertThat(r.error()).contains("169.254.169.254");
    assertThat(r.redirects()).isEqualTo(1);
  }

  @Test
  void refuses_a_private_target_before_connecting() {
    Probes publicOnly = new Probes(TargetPolicy.publicOnly(), "Runlater/test");
    try (publicOnly) {
      assertThat(publicOnly.http(get(url("/ok"), Duration.ofSeconds(5), true)).failure())
          .isEqualTo("blocked");
      assertThat(
              publicOnly
                  .tcp("127.0.0.1", server.getAddress().getPort(), Duration.ofSeconds(5))
                  .failure())
          .isEqualTo("blocked");
    }
  }

  @Test
  void cuts_a_hanging_target_at_the_timeout() {
    long start = System.nanoTime();
    Probes.Result r = probes.http(get(url("/hang"), Duration.ofMillis(500), true));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.timedOut()).isTrue();
    assertThat(r.error()).contains("500 ms");
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(450))
        .isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void reads_the_expiry_of_the_servers_certificate() {
    URI https = URI.create("https://127.0.0.1:" + tls.getAddress().getPort() + "/");
    Probes.Result r = probes.http(get(https, Duration.ofSeconds(5), false));

    assertThat(r.status()).isEqualTo(204);
    assertThat(r.tlsNotAfter()).isEqualTo(notAfter);
  }

  @Test
  void an_untrusted_certificate_is_a_tls_failure() {
    URI https = URI.create("https://127.0.0.1:" + tls.getAddress().getPort() + "/");
    try (Probes jvmTrust = new Probes(TargetPolicy.parse("127.0.0.1/32"), "Runlater/test")) {
      assertThat(jvmTrust.http(get(https, Duration.ofSeconds(5), false)).failure())
          .isEqualTo("tls");
    }
  }

  @Test
  void tcp_connects_to_an_open_port_and_fails_on_a_closed_one() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Probes.Result open = probes.tcp("127.0.0.1", s.getLocalPort(), Duration.ofSeconds(5));
      assertThat(open.status()).isZero();
      assertThat(open.remoteAddress()).isEqualTo("127.0.0.1");
      closed = s.getLocalPort();
    }
    Probes.Result refused = probes.tcp("127.0.0.1", closed, Duration.ofSeconds(5));
    assertThat(refused.answered()).isFalse();
    assertThat(refused.failure()).isEqualTo("connect");
    assertThat(probes.tcp("127.0.0.1", 0, Duration.ofSeconds(5)).failure()).isEqualTo("blocked");
  }
}
