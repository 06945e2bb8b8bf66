package eu.runlater.engine.http;

import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * The uptime checks' side of the HTTP client: one HTTP exchange (its own connection pool, a larger
 * body bound for keyword searches) and a TCP connect, both through the same SSRF guard as
 * deliveries ({@link CheckedDnsResolver} and the {@link AddressPolicy}). Thread-safe.
 */
public final class Prober implements AutoCloseable {
  private final HttpDeliveryConfig config;
  private final HttpDelivery http;
  private final CheckedDnsResolver resolver;

  public Prober(HttpDeliveryConfig config) {
    this.config = config;
    this.http = new HttpDelivery(config);
    this.resolver = new CheckedDnsResolver(config.policy(), config.resolver());
  }

  /** One HTTP exchange, redirects not followed; see {@link HttpDelivery#send}. */
  public HttpOutcome http(HttpCall call) {
    return http.send(call);
  }

  /**
   * Opens a TCP connection to {@code host:port} and closes it at once: a {@link
   * HttpOutcome.Responded} with status 0 and the address connected to, or a {@link Failed}.
   */
  public HttpOutcome tcp(String host, int port, Duration timeout) {
    long start = System.nanoTime();
    Attempt attempt = new Attempt(start + timeout.toNanos());
    List<InetAddress> addresses;
    try {
      addresses =
          ScopedValue.where(Attempt.CURRENT, attempt).call(() -> resolver.checkedAddresses(host));
    } catch (TargetRefusedException e) {
      return new Failed(FailureKind.BLOCKED, e.getMessage(), System.nanoTime() - start);
    } catch (DeadlineExceededException e) {
      return new Failed(
          FailureKind.TIMEOUT,
          "could not resolve " + host + " within " + timeout.toMillis() + " ms",
          System.nanoTime() - start);
    } catch (UnknownHostException e) {
      return new Failed(FailureKind.DNS, "could not resolve " + host, System.nanoTime() - start);
    }
    IOException last = null;
    for (InetAddress address : addresses) {
      long remainingMs = attempt.remainingNanos() / 1_000_000;
      if (remainingMs <= 0) {
        break;
      }
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(address, port), (int) Math.min(remainingMs, 3_600_000));
        return new HttpOutcome.Responded(
            0,
            List.of(),
            new byte[0],
            false,
            IpLiterals.format(address.getAddress()),
            System.nanoTime() - start);
      } catch (IOException e) {
        last = e;
      }
    }
    if (last == null || last instanceof SocketTimeoutException || attempt.expired()) {
      return new Failed(
          FailureKind.TIMEOUT,
          "could not connect to " + host + ":" + port + " within " + timeout.toMillis() + " ms",
          System.nanoTime() - start);
    }
    return new Failed(
        FailureKind.CONNECT,
        "could not connect to " + host + ":" + port + ": " + last.getMessage(),
        System.nanoTime() - start);
  }

  /** The settings this prober was made with. */
  public HttpDeliveryConfig config() {
    return config;
  }

  @Override
  public void close() {
    http.close();
  }
}
