package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import eu.runlater.engine.http.HttpOutcome.Responded;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SSRF guard as a table: host spellings and address ranges, each through {@link
 * AddressPolicy#checkUrl} (API time) and through {@link HttpDelivery#send} (send time).
 *
 * <p>Refused hosts point at a live loopback sink on the right port, so a guard that let one through
 * would reach it: the test asserts BLOCKED, no connection at the sink, and no DNS lookup.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SsrfTableTest {
  private static RawServer sink4;
  private static RawServer sink6;
  private static FakeResolver resolver;
  private static HttpDelivery publicOnly;

  @BeforeAll
  static void startSinks() throws Exception {
    sink4 = RawServer.start(RawServer::ok);
    sink6 = RawServer.start(InetAddress.getByName("::1"), sink4.port(), RawServer::ok);
    resolver = new FakeResolver();
    publicOnly =
        new HttpDelivery(
            HttpDeliveryConfig.defaults(AddressPolicy.publicOnly()).withResolver(resolver));
  }

  @AfterAll
  static void stopSinks() throws Exception {
    publicOnly.close();
    sink4.close();
    sink6.close();
  }

  /** Host as written in the URL, and the words the refusal must contain. */
  static Stream<Arguments> refusedHosts() {
    return Stream.of(
        // IPv4 loopback in every encoding inet_aton and browsers accept
        refused("127.0.0.1", "loopback address 127.0.0.1"),
        refused("127.1", "loopback address 127.0.0.1"),
        refused("127.0.1", "loopback address 127.0.0.1"),
        refused("2130706433", "loopback address 127.0.0.1"),
        refused("0x7f000001", "loopback address 127.0.0.1"),
        refused("0x7f.0.0.1", "loopback address 127.0.0.1"),
        refused("0X7F.0X0.0X0.0X1", "loopback address 127.0.0.1"),
        refused("0177.0.0.1", "loopback address 127.0.0.1"),
        refused("017700000001", "loopback address 127.0.0.1"),
        refused("0177.1", "loopback address 127.0.0.1"),
        refused("0x7f.1", "loopback address 127.0.0.1"),
        refused("127.000.000.001", "loopback address 127.0.0.1"),
        refused("127.0.0.1.", "loopback address 127.0.0.1"),
        refused("127.255.255.254", "loopback address 127.255.255.254"),
        // other IPv4 special ranges, some in odd encodings
        refused("0", "\"this network\" address 0.0.0.0"),
        refused("0.0.0.0", "\"this network\" address 0.0.0.0"),
        refused("10.0.0.1", "private address 10.0.0.1"),
        refused("10.1.1", "private address 10.1.0.1"),
        refused("172.16.0.1", "private address 172.16.0.1"),
        refused("172.31.255.255", "private address 172.31.255.255"),
        refused("192.168.1.1", "private address 192.168.1.1"),
        refused("0xc0a80101", "private address 192.168.1.1"),
        refused("3232235777", "private address 192.168.1.1"),
        refused("0300.0250.1.1", "private address 192.168.1.1"),
        refused("100.64.0.1", "shared (carrier-grade NAT) address 100.64.0.1"),
        refused("169.254.169.254", "cloud metadata address 169.254.169.254"),
        refused("0xa9fea9fe", "cloud metadata address 169.254.169.254"),
        refused("169.254.1.1", "link-local address 169.254.1.1"),
        refused("224.0.0.1", "multicast address 224.0.0.1"),
        refused("239.255.255.250", "multicast address 239.255.255.250"),
        refused("255.255.255.255", "broadcast address 255.255.255.255"),
        refused("240.0.0.1", "reserved address 240.0.0.1"),
        refused("192.0.2.1", "documentation address 192.0.2.1"),
        refused("198.51.100.7", "documentation address 198.51.100.7"),
        refused("203.0.113.9", "documentation address 203.0.113.9"),
        refused("198.18.0.1", "benchmarking address 198.18.0.1"),
        refused("198.19.255.1", "benchmarking address 198.19.255.1"),
        refused("192.0.0.8", "IETF protocol assignment address 192.0.0.8"),
        refused("192.88.99.1", "6to4 relay anycast address 192.88.99.1"),
        // loopback names
        refused("localhost", "loopback host name"),
        refused("LOCALHOST", "loopback host name"),
        refused("foo.localhost", "loopback host name"),
        refused("localhost.", "loopback host name"),
        // IPv6
        refused("[::1]", "loopback address ::1"),
        refused("[0:0:0:0:0:0:0:1]", "loopback address ::1"),
        refused("[::]", "unspecified address ::"),
        refused("[::ffff:127.0.0.1]", "loopback address 127.0.0.1"),
        refused("[::ffff:7f00:1]", "loopback address 127.0.0.1"),
        refused("[0:0:0:0:0:ffff:7f00:1]", "loopback address 127.0.0.1"),
        refused("[::FFFF:A9FE:A9FE]", "cloud metadata address 169.254.169.254"),
        refused("[::ffff:10.0.0.1]", "private address 10.0.0.1"),
        refused("[::127.0.0.1]", "IPv4-compatible address ::7f00:1"),
        refused("[64:ff9b::7f00:1]", "loopback address 127.0.0.1"),
        refused("[64:ff9b::10.1.2.3]", "private address 10.1.2.3"),
        refused("[64:ff9b:1::1]", "local-use NAT64 address 64:ff9b:1::1"),
        refused("[2002:7f00:1::1]", "loopback address 127.0.0.1"),
        refused("[2002:c0a8:101::]", "private address 192.168.1.1"),
        refused("[2001::1]", "Teredo address 2001::1"),
        refused("[2001:0:4136:e378::1]", "Teredo address"),
        refused("[fc00::1]", "unique local address fc00::1"),
        refused("[fd12:3456::1]", "unique local address fd12:3456::1"),
        refused("[fd00:ec2::254]", "cloud metadata address fd00:ec2::254"),
        refused("[fe80::1]", "link-local address fe80::1"),
        refused("[fe80::1%25eth0]", "link-local address fe80::1"),
        refused("[febf:ffff::1]", "link-local address febf:ffff::1"),
        refused("[fec0::1]", "site-local address fec0::1"),
        refused("[ff02::1]", "multicast address ff02::1"),
        refused("[2001:db8::1]", "documentation address 2001:db8::1"),
        refused("[100::1]", "discard-only address 100::1"),
        refused("[2001:10::1]", "ORCHID address 2001:10::1"),
        refused("[2001:20::1]", "ORCHID address 2001:20::1"),
        refused("[2001:2::1]", "benchmarking address 2001:2::1"));
  }

  static Stream<Arguments> allowedHosts() {
    return Stream.of(
        Arguments.of("8.8.8.8"),
        Arguments.of("1.1.1.1"),
        Arguments.of("0x08080808"),
        Arguments.of("134744072"),
        Arguments.of("93.184.216.34"),
        Arguments.of("172.32.0.1"),
        Arguments.of("172.15.255.255"),
        Arguments.of("100.128.0.1"),
        Arguments.of("169.255.0.1"),
        Arguments.of("192.0.3.1"),
        Arguments.of("198.20.0.1"),
        Arguments.of("223.255.255.255"),
        Arguments.of("[2606:4700::1111]"),
        Arguments.of("[2001:4860:4860::8888]"),
        Arguments.of("[::ffff:8.8.8.8]"),
        Arguments.of("[64:ff9b::808:808]"),
        Arguments.of("[2002:808:808::1]"),
        Arguments.of("[2001:db9::1]"),
        Arguments.of("example.com"),
        Arguments.of("localhost.example.com"),
        Arguments.of("hooks.example."));
  }

  /** Whole URLs refused for their form rather than their address, and what the message says. */
  static Stream<Arguments> refusedUrls() {
    return Stream.of(
        Arguments.of("ftp://example.com/hook", "scheme must be http or https"),
        Arguments.of("file:///etc/passwd", "scheme must be http or https"),
        Arguments.of("mailto:ops@example.com", "scheme must be http or https"),
        Arguments.of("/relative/path", "must be absolute"),
        Arguments.of("http:///no-host", "must include a host"),
        Arguments.of("https://user:secret@example.com/hook", "must not contain credentials"),
        Arguments.of("https://token@example.com/hook", "must not contain credentials"),
        Arguments.of("http://127.0.0.1@example.com/", "must not contain credentials"),
        Arguments.of("http://1.2.3.256/", "looks like an IPv4 address but is not one"),
        Arguments.of("http://08.0.0.1/", "looks like an IPv4 address but is not one"),
        Arguments.of("http://1.2.3.4.5/", "looks like an IPv4 address but is not one"),
        Arguments.of("http://4294967296/", "looks like an IPv4 address but is not one"),
        Arguments.of("http://%31%32%37.0.0.1/", "may contain only letters"),
        Arguments.of("http://example.com:0/", "port must be a number from 1 to 65535"),
        Arguments.of("http://example.com:99999/", "port must be a number from 1 to 65535"),
        Arguments.of("http://[fe80::1%eth0]/", "zone"),
        Arguments.of("http://a..b.example/", "has an empty label"),
        Arguments.of("http://.example/", "has an empty label"));
  }

  private static Arguments refused(String host, String reason) {
    return Arguments.of(host, reason);
  }

  private static URI urlOn(String host, int port) {
    return URI.create("http://" + host + ":" + port + "/hook");
  }

  @Test
  void the_table_is_large_enough_to_mean_something() {
    long cases = refusedHosts().count() + allowedHosts().count() + refusedUrls().count();
    assertThat(cases).isGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest(name = "checkUrl refuses {0}")
  @MethodSource("refusedHosts")
  void check_url_refuses_special_addresses_in_any_spelling(String host, String reason) {
    String problem = AddressPolicy.publicOnly().checkUrl(urlOn(host, 443));

    assertThat(problem).contains("is not allowed").contains(reason);
  }

  @ParameterizedTest(name = "send refuses {0}")
  @MethodSource("refusedHosts")
  void send_refuses_special_addresses_without_connecting_or_resolving(String host, String reason) {
    int connectionsBefore = sink4.connections() + sink6.connections();
    int lookupsBefore = resolver.lookups().size();

    HttpOutcome outcome =
        publicOnly.send(Calls.post(urlOn(host, sink4.port()), Duration.ofSeconds(1)));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            failed -> {
              assertThat(failed.kind()).isEqualTo(FailureKind.BLOCKED);
              assertThat(failed.message()).contains(reason);
            });
    assertThat(sink4.connections() + sink6.connections()).isEqualTo(connectionsBefore);
    assertThat(resolver.lookups()).hasSize(lookupsBefore);
  }

  @ParameterizedTest(name = "checkUrl allows {0}")
  @MethodSource("allowedHosts")
  void check_url_allows_public_addresses_and_names(String host) {
    assertThat(AddressPolicy.publicOnly().checkUrl(urlOn(host, 443))).isNull();
    assertThat(AddressPolicy.publicOnly().checkUrl(URI.create("https://" + host + "/hook")))
        .isNull();
  }

  @ParameterizedTest(name = "checkUrl refuses {0}")
  @MethodSource("refusedUrls")
  void check_url_refuses_urls_it_cannot_send_and_says_what_to_fix(String url, String problem) {
    assertThat(AddressPolicy.publicOnly().checkUrl(URI.create(url))).contains(problem);
  }

  @ParameterizedTest(name = "send refuses {0}")
  @MethodSource("refusedUrls")
  void send_refuses_urls_it_cannot_send_as_blocked(String url, String problem) {
    HttpOutcome outcome = publicOnly.send(Calls.post(URI.create(url), Duration.ofSeconds(1)));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            failed -> {
              assertThat(failed.kind()).isEqualTo(FailureKind.BLOCKED);
              assertThat(failed.message()).contains(problem);
            });
  }

  /** The same spellings, allowed by the operator, must reach the address they stand for. */
  static Stream<Arguments> loopbackSpellings() {
    return Stream.of(
            "127.0.0.1",
            "127.1",
            "2130706433",
            "0x7f000001",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "017700000001",
            "0x7f.1",
            "127.0.0.1.",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[0:0:0:0:0:ffff:7f00:1]",
            "[::1]",
            "[0:0:0:0:0:0:0:1]")
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "send with loopback allowed reaches {0}")
  @MethodSource("loopbackSpellings")
  void send_connects_allowed_literals_to_the_address_they_encode(String host) {
    AddressPolicy loopback = AddressPolicy.parse("127.0.0.0/8,::1/128");
    assertThat(loopback.checkUrl(urlOn(host, 443))).isNull();
    boolean v6 = host.startsWith("[") && !host.contains("ffff");
    RawServer sink = v6 ? sink6 : sink4;
    int before = sink.requests().size();

    try (HttpDelivery delivery =
        new HttpDelivery(HttpDeliveryConfig.defaults(loopback).withResolver(resolver))) {
      HttpOutcome outcome =
          delivery.send(Calls.post(urlOn(host, sink.port()), Duration.ofSeconds(5)));

      assertThat(outcome)
          .isInstanceOfSatisfying(
              Responded.class,
              r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.remoteAddress()).isEqualTo(v6 ? "::1" : "127.0.0.1");
              });
    }
    List<RawServer.RawRequest> requests = sink.requests();
    assertThat(requests).hasSize(before + 1);
    assertThat(requests.getLast().header("Host"))
        .isEqualTo((v6 ? "[::1]" : "127.0.0.1") + ":" + sink.port());
  }

  @Test
  void send_resolves_localhost_with_the_system_resolver_when_loopback_is_allowed() {
    AddressPolicy loopback = AddressPolicy.parse("127.0.0.0/8,::1/128");
    try (HttpDelivery delivery =
        new HttpDelivery(
            HttpDeliveryConfig.defaults(loopback).withResolver(HostResolver.system()))) {
      HttpOutcome outcome =
          delivery.send(
              Calls.post(
                  URI.create("http://localhost:" + sink4.port() + "/hook"), Duration.ofSeconds(5)));

      assertThat(outcome).isInstanceOf(Responded.class);
    }
  }
}
