package eu.runlater.engine;

import eu.runlater.engine.http.HostResolver;
import eu.runlater.engine.http.HttpCall;
import eu.runlater.engine.http.HttpDeliveryConfig;
import eu.runlater.engine.http.HttpOutcome;
import eu.runlater.engine.http.Prober;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Checks whether a target answers, for uptime monitors: an HTTP request (method, headers, body,
 * timeout, redirects followed or not) or a TCP connect, through the same SSRF guard as deliveries.
 * Every redirect hop is checked again: its URL against the {@link TargetPolicy} before any lookup,
 * and every address its host resolves to at connect, so a public URL that redirects to {@code
 * http://169.254.169.254/} is refused at that hop.
 *
 * <p>The whole probe, every hop included, is cut at its timeout. The response body is kept up to
 * {@link #MAX_BODY_BYTES} (what a keyword search looks at). Over HTTPS the result carries when the
 * server's certificate expires. Thread-safe; one instance serves the process.
 */
public final class Probes implements AutoCloseable {
  /** Response bytes kept at most; the rest is not read. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  /** Redirect hops followed at most. */
  public static final int MAX_REDIRECTS = 10;

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final Prober prober;

  /** Probes with the JVM's TLS trust and the system resolver. */
  public Probes(TargetPolicy policy, String userAgent) {
    this(policy, userAgent, defaultSsl());
  }

  /** Probes trusting what {@code sslContext} trusts (an operator's internal CA, a test CA). */
  public Probes(TargetPolicy policy, String userAgent, SSLContext sslContext) {
    this(
        HttpDeliveryConfig.defaults(policy.rules())
            .withMaxResponseBytes(MAX_BODY_BYTES)
            .withUserAgent(userAgent)
            .withSslContext(sslContext));
  }

  /** For tests: a scripted resolver. */
  static Probes withResolver(TargetPolicy policy, HostResolver resolver, SSLContext ssl) {
    return new Probes(
        HttpDeliveryConfig.defaults(policy.rules())
            .withMaxResponseBytes(MAX_BODY_BYTES)
            .withResolver(resolver)
            .withSslContext(ssl));
  }

  private Probes(HttpDeliveryConfig config) {
    this.prober = new Prober(config);
  }

  /**
   * An HTTP probe.
   *
   * @param method an HTTP method such as GET or HEAD
   * @param headers sent as given (Host, Content-Length, Transfer-Encoding and Connection are not
   *     allowed)
   * @param body the request body, or null
   * @param timeout the bound of the whole probe, redirects included
   */
  public record HttpProbe(
      URI url,
      String method,
      List<Header> headers,
      byte[] body,
      Duration timeout,
      boolean followRedirects) {
    public HttpProbe {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(timeout, "timeout");
      headers = List.copyOf(headers);
    }
  }

  /**
   * What a probe came to.
   *
   * @param status the final HTTP status (0 for a TCP connect that succeeded), or null when there
   *     was no answer
   * @param failure with no answer, why (kind): {@code timeout}, {@code blocked}, {@code dns},
   *     {@code connect}, {@code tls} or {@code io}; null when it answered
   * @param error with no answer, what happened, in words; null when it answered
   * @param body at most {@link #MAX_BODY_BYTES} of the final response
   * @param remoteAddress the address the final hop went to
   * @param tlsNotAfter when the final hop's server certificate expires; null over HTTP or TCP
   * @param finalUrl the URL of the final hop (after redirects)
   * @param redirects how many redirects were followed
   */
  public record Result(
      Integer status,
      String failure,
      String error,
      List<Header> headers,
      byte[] body,
      boolean bodyTruncated,
      String remoteAddress,
      Instant tlsNotAfter,
      Duration duration,
      URI finalUrl,
      int redirects) {

    public boolean answered() {
      return status != null;
    }

    public boolean timedOut() {
      return "timeout".equals(failure);
    }

    /** The body as UTF-8 text (invalid bytes replaced). */
    public String text() {
      return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends the probe, following redirects when asked, all within its timeout. Never throws. */
  public Result http(HttpProbe probe) {
    long start = System.nanoTime();
    long deadline = start + probe.timeout().toNanos();
    URI url = probe.url();
    String method = probe.method();
    byte[] body = probe.body();
    int hops = 0;
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return failed(
            "timeout",
            "no complete response within " + probe.timeout().toMillis() + " ms",
            start,
            url,
            hops);
      }
      HttpCall call;
      try {
        call = new HttpCall(url, method, probe.headers(), body, Duration.ofNanos(remaining));
      } catch (IllegalArgumentException e) {
        return failed("blocked", e.getMessage(), start, url, hops);
      }
      HttpOutcome outcome = prober.http(call);
      if (outcome instanceof HttpOutcome.Failed f) {
        String kind = f.kind().name().toLowerCase(Locale.ROOT);
        String message =
            f.kind() == HttpOutcome.FailureKind.TIMEOUT
                ? "no complete response within " + probe.timeout().toMillis() + " ms"
                : f.message();
        return failed(kind, message, start, url, hops);
      }
      HttpOutcome.Responded r = (HttpOutcome.Responded) outcome;
      String location = r.header("Location");
      if (probe.followRedirects() && REDIRECTS.contains(r.status()) && location != null) {
        if (hops == MAX_REDIRECTS) {
          return failed(
              "io",
              "more than " + MAX_REDIRECTS + " redirects, last to " + location,
              start,
              url,
              hops);
        }
        try {
          url = url.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
          return failed("io", "a redirect to an invalid URL: " + location, start, url, hops);
        }
        // As browsers do: 303, and 301/302 after a POST, go on as a GET without a body.
        if (r.status() == 303
            || ((r.status() == 301 || r.status() == 302) && !method.equalsIgnoreCase("HEAD"))) {
          if (!method.equalsIgnoreCase("GET") && !method.equalsIgnoreCase("HEAD")) {
            method = "GET";
            body = null;
          }
        }
        hops++;
        continue;
      }
      return new Result(
          r.status(),
          null,
          null,
          r.headers(),
          r.body(),
          r.bodyTruncated(),
          r.remoteAddress(),
          r.tlsNotAfter(),
          Duration.ofNanos(System.nanoTime() - start),
          url,
          hops);
    }
  }

  /** Connects to {@code host:port} and closes the connection; status 0 when it connected. */
  public Result tcp(String host, int port, Duration timeout) {
    long start = System.nanoTime();
    URI url;
    try {
      url = URI.create("tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
    } catch (IllegalArgumentException e) {
      url = null;
    }
    if (port < 1 || port > 65535) {
      return failed("blocked", "a TCP check needs a port from 1 to 65535", start, url, 0);
    }
    HttpOutcome outcome = prober.tcp(host, port, timeout);
    if (outcome instanceof HttpOutcome.Failed f) {
      return failed(f.kind().name().toLowerCase(Locale.ROOT), f.message(), start, url, 0);
    }
    HttpOutcome.Responded r = (HttpOutcome.Responded) outcome;
    return new Result(
        0,
        null,
        null,
        List.of(),
        new byte[0],
        false,
        r.remoteAddress(),
        null,
        Duration.ofNanos(System.nanoTime() - start),
        url,
        0);
  }

  private static Result failed(String kind, String message, long start, URI url, int hops) {
    return new Result(
        null,
        kind,
        message,
        List.of(),
        new byte[0],
        false,
        "",
        null,
        Duration.ofNanos(System.nanoTime() - start),
        url,
        hops);
  }

  private static SSLContext defaultSsl() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  @Override
  public void close() {
    prober.close();
  }
}
