package eu.runlater.engine.http;

import eu.runlater.engine.Header;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One attempt's request.
 *
 * @param url where to send it; checked against the {@link AddressPolicy} when sent
 * @param method the HTTP method, sent as given (an RFC 9110 token such as POST)
 * @param headers sent in this order with these spellings; names are case-insensitive and may
 *     repeat. The framing headers Host, Content-Length, Transfer-Encoding and Connection belong to
 *     the HTTP client and are rejected here (see {@link #isReservedHeader}).
 * @param body the request body, or null for none; sent with a Content-Length. Not copied: do not
 *     change it while the call is in flight.
 * @param timeout the deadline for the whole attempt: DNS, connect, TLS, request, response headers
 *     and body
 */
public record HttpCall(
    URI url, String method, List<Header> headers, byte[] body, Duration timeout) {

  private static final Set<String> RESERVED =
      Set.of("host", "content-length", "transfer-encoding", "connection");

  public HttpCall {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(timeout, "timeout");
    headers = List.copyOf(headers);
    if (!isToken(method)) {
      throw new IllegalArgumentException(
          "HTTP method '"
              + method
              + "' must be a token such as POST (letters, digits, !#$%&'*+-.^_`|~)");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    for (Header h : headers) {
      if (!isToken(h.name())) {
        throw new IllegalArgumentException("header name '" + h.name() + "' is not a valid token");
      }
      if (isReservedHeader(h.name())) {
        throw new IllegalArgumentException(
            "header " + h.name() + " is set by the HTTP client from the URL and body; remove it");
      }
      // The value itself is never echoed: it may be a secret.
      for (int i = 0; i < h.value().length(); i++) {
        char c = h.value().charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          throw new IllegalArgumentException(
              "header " + h.name() + " has a line break or NUL in its value");
        }
      }
    }
  }

  /** A POST or any other call without headers and body, for the common case and tests. */
  public static HttpCall of(URI url, String method, Duration timeout) {
    return new HttpCall(url, method, List.of(), null, timeout);
  }

  /**
   * Whether a header name is owned by the HTTP client (Host, Content-Length, Transfer-Encoding,
   * Connection), so callers can drop or reject it in user input before building a call.
   */
  public static boolean isReservedHeader(String name) {
    return RESERVED.contains(name.toLowerCase(Locale.ROOT));
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
