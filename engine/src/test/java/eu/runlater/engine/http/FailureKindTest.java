package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Header;
import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each way an attempt can fail maps to one kind, with a short message that keeps secrets out. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailureKindTest {
  private static final String SECRET = "s3cret-token-value";

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** A call carrying a secret header, so every failure message can be checked for leaks. */
  private static HttpCall call(URI url) {
    return new HttpCall(
        url,
        "POST",
        List.of(new Header("Authorization", "Bearer " + SECRET)),
        "{}".getBytes(),
        Duration.ofSeconds(5));
  }

  private static Failed failed(HttpOutcome outcome, FailureKind kind) {
    assertThat(outcome).isInstanceOf(Failed.class);
    Failed failed = (Failed) outcome;
    assertThat(failed.kind()).as(failed.message()).isEqualTo(kind);
    assertThat(failed.message()).doesNotContain(SECRET);
    assertThat(failed.durationNanos()).isPositive();
    return failed;
  }

  @Test
  void an_unknown_host_is_a_dns_failure() {
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery(new FakeResolver()));

    Failed f =
        failed(delivery.send(call(URI.create("https://nowhere.example/hook"))), FailureKind.DNS);

    assertThat(f.message()).isEqualTo("could not resolve nowhere.example");
  }

  @Test
  void keeps_the_resolver_reason_without_repeating_the_host() {
    HttpDelivery delivery =
        closeLater(
            Calls.loopbackDelivery(
                host -> {
                  throw new UnknownHostException(host + ": Name or service not known");
                }));

    Failed f =
        failed(delivery.send(call(URI.create("https://gone.example/hook"))), FailureKind.DNS);

    assertThat(f.message()).isEqualTo("could not resolve gone.example: Name or service not known");
  }

  @Test
  void a_name_without_addresses_is_a_dns_failure() {
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery(host -> List.of()));

    Failed f =
        failed(delivery.send(call(URI.create("https://empty.example/hook"))), FailureKind.DNS);

    assertThat(f.message()).startsWith("could not resolve empty.example");
  }

  @Test
  void a_resolver_that_breaks_is_a_dns_failure_not_an_exception() {
    HttpDelivery delivery =
        closeLater(
            Calls.loopbackDelivery(
                host -> {
                  throw new IllegalStateException("resolver bug");
                }));

    Failed f =
        failed(delivery.send(call(URI.create("https://buggy.example/hook"))), FailureKind.DNS);

    assertThat(f.message()).isEqualTo("could not resolve buggy.example: resolver bug");
  }

  @Test
  void a_refused_connection_is_a_connect_failure() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    Failed f =
        failed(
            delivery.send(call(URI.create("http://127.0.0.1:" + closedPort + "/hook"))),
            FailureKind.CONNECT);

    assertThat(f.message()).startsWith("could not connect to 127.0.0.1: ").contains("refused");
  }

  @Test
  void a_connection_closed_in_the_middle_of_the_body_is_an_io_failure() throws Exception {
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  RawServer.respond(
                      out,
                      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
                      "only ten b".getBytes());
                  return false;
                }));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    Failed f = failed(delivery.send(call(server.url("/hook"))), FailureKind.IO);

    assertThat(f.message()).contains("127.0.0.1");
  }

  @Test
  void a_malformed_chunked_body_is_an_io_failure() throws Exception {
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  RawServer.respond(
                      out,
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                      "zz\r\nnot a chunk\r\n".getBytes());
                  return false;
                }));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    Failed f = failed(delivery.send(call(server.url("/hook"))), FailureKind.IO);

    assertThat(f.message()).startsWith("error talking to 127.0.0.1: ");
  }

  @Test
  void a_closed_delivery_fails_calls_instead_of_throwing() {
    HttpDelivery delivery = Calls.loopbackDelivery();
    delivery.close();

    Failed f = failed(delivery.send(call(URI.create("http://127.0.0.1:9/hook"))), FailureKind.IO);

    assertThat(f.message()).isEqualTo("the HTTP client is closed");
  }

  @Test
  void messages_never_quote_request_header_values() {
    HttpCall call = call(URI.create("http://example.com/"));
    String leaky = "server said: Bearer " + SECRET + " is wrong";

    assertThat(Failures.redact(leaky, call))
        .isEqualTo("server said: [redacted] is wrong")
        .doesNotContain(SECRET);
  }
}
