package eu.runlater.engine.http;

import eu.runlater.engine.Header;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What one attempt came to: a response (of any status) or a failure before one was complete. */
public sealed interface HttpOutcome permits HttpOutcome.Responded, HttpOutcome.Failed {

  /** How long the attempt took, measured with {@link System#nanoTime()}. */
  long durationNanos();

  /**
   * The server answered. Redirects are not followed, so this may be a 3xx with its Location.
   *
   * @param headers in the order received, with their original names
   * @param body at most the configured maximum of response bytes
   * @param bodyTruncated whether the server sent more than was kept
   * @param remoteAddress the IP address the request went to, e.g. "93.184.216.34" or "::1"
   * @param tlsNotAfter over HTTPS, when the server's certificate (the first of its chain) expires;
   *     null over plain HTTP
   */
  record Responded(
      int status,
      List<Header> headers,
      byte[] body,
      boolean bodyTruncated,
      String remoteAddress,
      long durationNanos,
      Instant tlsNotAfter)
      implements HttpOutcome {
    public Responded {
      headers = List.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }

    public Responded(
        int status,
        List<Header> headers,
        byte[] body,
        boolean bodyTruncated,
        String remoteAddress,
        long durationNanos) {
      this(status, headers, body, bodyTruncated, remoteAddress, durationNanos, null);
    }

    /** The first value of a header, matched case-insensitively, or null. */
    public String header(String name) {
      for (Header h : headers) {
        if (h.name().equalsIgnoreCase(name)) {
          return h.value();
        }
      }
      return null;
    }
  }

  /**
   * No complete response. The message is short, human, may name the host, and never contains
   * request header values.
   */
  record Failed(FailureKind kind, String message, long durationNanos) implements HttpOutcome {
    public Failed {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }
  }

  enum FailureKind {
    /** The deadline passed before the response was complete. */
    TIMEOUT,
    /**
     * Refused by the {@link AddressPolicy} (SSRF guard), or a URL that cannot be sent; no
     * connection was made.
     */
    BLOCKED,
    /** The host name did not resolve. */
    DNS,
    /** No TCP connection could be made (refused, unreachable, connect timeout). */
    CONNECT,
    /** The TLS handshake failed: untrusted or mismatching certificate, not TLS at all, ... */
    TLS,
    /** Anything else during the exchange: connection reset or closed early, malformed response. */
    IO
  }
}
