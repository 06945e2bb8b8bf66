package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Header;
import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import eu.runlater.engine.http.HttpOutcome.Responded;
import eu.runlater.engine.http.RawServer.RawRequest;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What goes on the wire and what comes back, against loopback servers. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpDeliveryTest {
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

  private RawServer server(RawServer.Handler handler) throws Exception {
    return closeLater(RawServer.start(handler));
  }

  private HttpDelivery delivery() {
    return closeLater(Calls.loopbackDelivery());
  }

  @Test
  void sends_method_headers_and_body_exactly_as_given_plus_only_framing_headers() throws Exception {
    RawServer server = server(RawServer::ok);
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i; // every byte value, not just text
    }
    List<Header> headers =
        List.of(
            new Header("User-Agent", "Runlater/1.2.3"),
            new Header("webhook-id", "msg_2a"),
            new Header("X-Dup", "first"),
            new Header("x-dup", "second"),
            new Header("Content-Type", "application/octet-stream"),
            new Header("Authorization", "Bearer s3cret"),
            new Header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    URI url = server.url("/a%20b/hook?x=1&y=%2F");

    HttpOutcome outcome =
        delivery().send(new HttpCall(url, "PATCH", headers, body, Duration.ofSeconds(5)));

    assertThat(outcome).isInstanceOf(Responded.class);
    RawRequest received = server.requests().getFirst();
    assertThat(received.method()).isEqualTo("PATCH");
    assertThat(received.target()).isEqualTo("/a%20b/hook?x=1&y=%2F");
    assertThat(received.body()).isEqualTo(body);
    List<Header> fromCall =
        received.headers().stream()
            .filter(
                h ->
                    !Set.of("host", "content-length", "connection")
                        .contains(h.name().toLowerCase()))
            .toList();
    assertThat(fromCall).containsExactlyElementsOf(headers);
    assertThat(received.all("Host")).containsExactly("127.0.0.1:" + server.port());
    assertThat(received.all("Content-Length")).containsExactly("256");
    assertThat(received.all("Connection")).containsExactly("keep-alive");
    assertThat(received.header("Transfer-Encoding")).isNull();
    assertThat(received.header("Accept-Encoding")).isNull();
    assertThat(received.header("Expect")).isNull();
    assertThat(received.header("Upgrade")).isNull();
  }

  @Test
  void sends_a_get_without_a_body_and_without_content_length() throws Exception {
    RawServer server = server(RawServer::ok);

    delivery().send(Calls.get(server.url("/"), Duration.ofSeconds(5)));

    RawRequest received = server.requests().getFirst();
    assertThat(received.method()).isEqualTo("GET");
    assertThat(received.header("Content-Length")).isNull();
    assertThat(received.headers().stream().map(Header::name).collect(Collectors.toSet()))
        .isEqualTo(Set.of("Host", "Connection", "User-Agent"));
  }

  @Test
  void adds_the_configured_user_agent_only_when_the_call_has_none() throws Exception {
    RawServer server = server(RawServer::ok);
    HttpDelivery delivery =
        closeLater(
            new HttpDelivery(
                HttpDeliveryConfig.defaults(Calls.LOOPBACK)
                    .withResolver(new FakeResolver())
                    .withUserAgent("Runlater/9.9")));

    delivery.send(Calls.get(server.url("/none"), Duration.ofSeconds(5)));
    delivery.send(
        new HttpCall(
            server.url("/own"),
            "GET",
            List.of(new Header("user-agent", "Mine/1.0")),
            null,
            Duration.ofSeconds(5)));

    assertThat(server.requests().get(0).all("User-Agent")).containsExactly("Runlater/9.9");
    assertThat(server.requests().get(1).all("User-Agent")).containsExactly("Mine/1.0");
  }

  @Test
  void returns_a_redirect_as_it_is_without_following_it() throws Exception {
    RawServer target = server(RawServer::ok);
    RawServer server =
        server(
            (request, out) -> {
              RawServer.respond(
                  out,
                  "HTTP/1.1 302 Found\r\nLocation: "
                      + target.url("/elsewhere")
                      + "\r\nContent-Length: 0\r\n\r\n",
                  new byte[0]);
              return true;
            });

    HttpOutcome outcome = delivery().send(Calls.post(server.url("/hook")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.status()).isEqualTo(302);
              assertThat(r.header("location")).isEqualTo(target.url("/elsewhere").toString());
            });
    assertThat(server.requests()).hasSize(1);
    assertThat(target.connections()).isZero();
  }

  @Test
  void returns_response_headers_in_order_with_their_original_names() throws Exception {
    RawServer server =
        server(
            (request, out) -> {
              RawServer.respond(
                  out,
                  "HTTP/1.1 201 Created\r\nX-B: 1\r\nx-a: 2\r\nSet-Cookie: a=1\r\n"
                      + "Set-Cookie: b=2\r\nX-MiXeD-Case: v\r\nContent-Length: 5\r\n\r\n",
                  "hello".getBytes());
              return true;
            });

    HttpOutcome outcome = delivery().send(Calls.post(server.url("/hook")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.status()).isEqualTo(201);
              assertThat(r.headers())
                  .containsExactly(
                      new Header("X-B", "1"),
                      new Header("x-a", "2"),
                      new Header("Set-Cookie", "a=1"),
                      new Header("Set-Cookie", "b=2"),
                      new Header("X-MiXeD-Case", "v"),
                      new Header("Content-Length", "5"));
              assertThat(r.body()).isEqualTo("hello".getBytes());
              assertThat(r.bodyTruncated()).isFalse();
              assertThat(r.durationNanos()).isPositive();
            });
  }

  @Test
  void keeps_no_cookies_between_calls() throws Exception {
    RawServer server =
        server(
            (request, out) -> {
              RawServer.respond(
                  out,
                  "HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Path=/\r\nContent-Length: 0\r\n\r\n",
                  new byte[0]);
              return true;
            });
    HttpDelivery delivery = delivery();

    delivery.send(Calls.post(server.url("/one")));
    delivery.send(Calls.post(server.url("/two")));

    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(1).header("Cookie")).isNull();
  }

  @Test
  void returns_a_compressed_body_as_sent_without_decoding_it() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("compressed text".getBytes(StandardCharsets.UTF_8));
    }
    byte[] gzipped = gz.toByteArray();
    RawServer server =
        server(
            (request, out) -> {
              RawServer.respond(
                  out,
                  "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "
                      + gzipped.length
                      + "\r\n\r\n",
                  gzipped);
              return true;
            });

    HttpOutcome outcome = delivery().send(Calls.post(server.url("/hook")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.body()).isEqualTo(gzipped);
              assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            });
  }

  @Test
  void does_not_retry_a_request_whose_connection_closed_without_a_response() throws Exception {
    RawServer server = server((request, out) -> false);

    HttpOutcome outcome = delivery().send(Calls.get(server.url("/hook"), Duration.ofSeconds(5)));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.kind()).isEqualTo(FailureKind.IO);
              assertThat(f.message())
                  .isEqualTo("127.0.0.1 closed the connection without responding");
            });
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void does_not_retry_503_with_retry_after_nor_answer_401_challenges() throws Exception {
    RawServer unavailable =
        server(
            (request, out) -> {
              RawServer.respond(
                  out,
                  "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n",
                  new byte[0]);
              return true;
            });
    RawServer challenging =
        server(
            (request, out) -> {
              RawServer.respond(
                  out,
                  "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n"
                      + "Content-Length: 0\r\n\r\n",
                  new byte[0]);
              return true;
            });
    HttpDelivery delivery = delivery();

    HttpOutcome busy = delivery.send(Calls.get(unavailable.url("/"), Duration.ofSeconds(5)));
    HttpOutcome denied = delivery.send(Calls.get(challenging.url("/"), Duration.ofSeconds(5)));

    assertThat(busy)
        .isInstanceOfSatisfying(Responded.class, r -> assertThat(r.status()).isEqualTo(503));
    assertThat(denied)
        .isInstanceOfSatisfying(Responded.class, r -> assertThat(r.status()).isEqualTo(401));
    assertThat(unavailable.requests()).hasSize(1);
    assertThat(challenging.requests()).hasSize(1);
  }

  @Test
  void reuses_a_kept_alive_connection_for_the_next_call_to_the_same_host() throws Exception {
    RawServer server = server(RawServer::ok);
    HttpDelivery delivery = delivery();

    for (int i = 0; i < 5; i++) {
      assertThat(delivery.send(Calls.post(server.url("/hook")))).isInstanceOf(Responded.class);
    }

    assertThat(server.requests()).hasSize(5);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.requests()).extracting(RawRequest::connection).containsOnly(1);
  }

  @Test
  void opens_no_more_than_max_connections_and_queues_the_rest() throws Exception {
    CountDownLatch arrived = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    RawServer server =
        server(
            (request, out) -> {
              arrived.countDown();
              release.await();
              return RawServer.ok(request, out);
            });
    HttpDelivery delivery =
        closeLater(
            new HttpDelivery(
                HttpDeliveryConfig.defaults(Calls.LOOPBACK)
                    .withResolver(new FakeResolver())
                    .withMaxConnections(2)));

    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpOutcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        outcomes.add(callers.submit(() -> delivery.send(Calls.post(server.url("/hook")))));
      }
      Calls.await(
          () -> delivery.poolStats().getLeased() == 2 && delivery.poolStats().getPending() == 4,
          Duration.ofSeconds(10),
          "two leased connections and four waiting calls");
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.requests()).hasSize(2);

      release.countDown();
      for (Future<HttpOutcome> outcome : outcomes) {
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(Responded.class);
      }
    }
    assertThat(server.requests()).hasSize(6);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void delivers_to_an_ipv6_loopback_server() throws Exception {
    RawServer server = closeLater(RawServer.start(InetAddress.getByName("::1"), 0, RawServer::ok));

    HttpOutcome outcome = delivery().send(Calls.post(server.url("/hook")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class, r -> assertThat(r.remoteAddress()).isEqualTo("::1"));
    assertThat(server.requests().getFirst().header("Host")).isEqualTo("[::1]:" + server.port());
  }

  @Test
  void sends_the_host_header_with_the_name_from_the_url_in_lower_case_without_a_trailing_dot()
      throws Exception {
    RawServer server = server(RawServer::ok);
    HttpDelivery delivery =
        closeLater(Calls.loopbackDelivery(new FakeResolver().answer("hooks.example", "127.0.0.1")));

    delivery.send(Calls.post(URI.create("http://HOOKS.example:" + server.port() + "/hook")));
    delivery.send(Calls.post(URI.create("http://hooks.example.:" + server.port() + "/hook")));

    assertThat(server.requests())
        .extracting(r -> r.header("Host"))
        .containsExactly("hooks.example:" + server.port(), "hooks.example:" + server.port());
  }
}
