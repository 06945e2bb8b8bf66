package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import eu.runlater.engine.http.HttpOutcome.Responded;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection goes only to an address that was checked: a name is resolved once per new
 * connection, inside the connection layer, and refused addresses are dropped before connecting.
 *
 * <p>Two servers share a port: the allowed one on 127.0.0.1 and a "forbidden" one on 127.0.0.2,
 * standing in for an internal service. The policy allows only 127.0.0.1/32.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DnsRebindingTest {
  private static final String HOST = "rebind.example";

  private RawServer allowed;
  private RawServer forbidden;
  private FakeResolver resolver;
  private HttpDelivery delivery;

  @BeforeEach
  void start() throws IOException {
    // "Connection: close" makes every send open a new connection, and so resolve again.
    RawServer.Handler closeAfterEach =
        (request, out) -> {
          RawServer.respond(
              out,
              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n",
              "ok".getBytes());
          return false;
        };
    allowed = RawServer.start(InetAddress.getByName("127.0.0.1"), 0, closeAfterEach);
    forbidden = RawServer.start(InetAddress.getByName("127.0.0.2"), allowed.port(), closeAfterEach);
    resolver = new FakeResolver();
    delivery =
        new HttpDelivery(
            HttpDeliveryConfig.defaults(AddressPolicy.parse("127.0.0.1/32"))
                .withResolver(resolver));
  }

  @AfterEach
  void stop() throws IOException {
    delivery.close();
    allowed.close();
    forbidden.close();
  }

  private URI url() {
    return URI.create("http://" + HOST + ":" + allowed.port() + "/hook");
  }

  @Test
  void connects_to_the_checked_address_and_never_looks_the_name_up_a_second_time() {
    resolver.answer(HOST, "127.0.0.1").answer(HOST, "127.0.0.2");

    HttpOutcome first = delivery.send(Calls.post(url()));

    assertThat(first)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.remoteAddress()).isEqualTo("127.0.0.1");
            });
    assertThat(resolver.lookups(HOST)).isEqualTo(1);
    assertThat(allowed.requests()).hasSize(1);
    assertThat(allowed.requests().getFirst().remoteAddress()).isEqualTo("127.0.0.1");
    assertThat(forbidden.connections()).isZero();
  }

  @Test
  void refuses_a_name_that_rebinds_to_a_refused_address_on_the_next_connection() {
    resolver.answer(HOST, "127.0.0.1").answer(HOST, "127.0.0.2");

    HttpOutcome first = delivery.send(Calls.post(url()));
    HttpOutcome second = delivery.send(Calls.post(url()));

    assertThat(first).isInstanceOf(Responded.class);
    assertThat(second)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.kind()).isEqualTo(FailureKind.BLOCKED);
              assertThat(f.message())
                  .isEqualTo(
                      HOST
                          + " resolves only to addresses that are not allowed. Webhooks may only"
                          + " reach public addresses unless the operator allows more with"
                          + " RUNLATER_ALLOW_PRIVATE_TARGETS");
            });
    assertThat(resolver.lookups(HOST)).isEqualTo(2);
    assertThat(allowed.requests()).hasSize(1);
    assertThat(forbidden.connections()).isZero();
  }

  @Test
  void drops_refused_addresses_and_connects_to_an_allowed_one_from_the_same_answer() {
    resolver.answer(HOST, "127.0.0.2", "127.0.0.1", "10.0.0.1");

    HttpOutcome outcome = delivery.send(Calls.post(url()));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class, r -> assertThat(r.remoteAddress()).isEqualTo("127.0.0.1"));
    assertThat(resolver.lookups(HOST)).isEqualTo(1);
    assertThat(allowed.requests()).hasSize(1);
    assertThat(forbidden.connections()).isZero();
  }

  @Test
  void names_none_of_the_refused_addresses_a_name_resolves_to() {
    resolver.answer(HOST, "127.0.0.2", "169.254.169.254", "::1");

    HttpOutcome outcome = delivery.send(Calls.post(url()));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.kind()).isEqualTo(FailureKind.BLOCKED);
              // Which internal addresses a name has is not the tenant's to learn.
              assertThat(f.message())
                  .startsWith(HOST + " resolves only to addresses that are not allowed.")
                  .doesNotContain("127.0.0.2", "169.254", "::1", "loopback", "metadata");
            });
    assertThat(forbidden.connections()).isZero();
    assertThat(allowed.connections()).isZero();
  }

  @Test
  void refuses_a_name_resolving_to_an_ipv4_mapped_private_address() {
    resolver.answer(HOST, "::ffff:10.0.0.1");

    HttpOutcome outcome = delivery.send(Calls.post(url()));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.kind()).isEqualTo(FailureKind.BLOCKED);
              assertThat(f.message())
                  .contains("resolves only to addresses that are not allowed")
                  .doesNotContain("10.0.0.1", "ffff", "private");
            });
  }
}
