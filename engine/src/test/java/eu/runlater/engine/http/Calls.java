package eu.runlater.engine.http;

import eu.runlater.engine.Header;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Test fixtures: calls with sensible defaults, and loopback-friendly deliveries. */
final class Calls {
  private Calls() {}

  static final AddressPolicy LOOPBACK = AddressPolicy.parse("127.0.0.0/8,::1/128");

  /** A small JSON POST, as the engine sends them. */
  static HttpCall post(URI url, Duration timeout) {
    return new HttpCall(
        url,
        "POST",
        List.of(new Header("User-Agent", "Runlater/test")),
        "{\"ok\":true}".getBytes(StandardCharsets.UTF_8),
        timeout);
  }

  static HttpCall post(URI url) {
    return post(url, Duration.ofSeconds(10));
  }

  static HttpCall get(URI url, Duration timeout) {
    return new HttpCall(url, "GET", List.of(), null, timeout);
  }

  /** A delivery that may reach loopback, resolving names with the given resolver. */
  static HttpDelivery loopbackDelivery(HostResolver resolver) {
    return new HttpDelivery(HttpDeliveryConfig.defaults(LOOPBACK).withResolver(resolver));
  }

  static HttpDelivery loopbackDelivery() {
    return loopbackDelivery(new FakeResolver());
  }

  /** Waits for a condition that no latch can signal (pool state), failing after the timeout. */
  static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
