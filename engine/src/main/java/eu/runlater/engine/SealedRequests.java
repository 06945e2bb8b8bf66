package eu.runlater.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Seals the secret parts of a request before it is stored, and opens them just before sending. A
 * header is secret when the caller names it, or when its name says it carries credentials ({@code
 * Authorization}, {@code Cookie}, {@code X-Api-Key}, anything with "token", "secret", "password",
 * "auth" or "key" in it), so a known {@code Authorization} value never appears in a database dump.
 *
 * <p>It is also the one place that says which headers are whose: those Runlater or HTTP set on
 * every delivery ({@link #reserved}), those an attempt adds to what it records ({@link
 * #addedPerAttempt}), and those shown masked in a recorded attempt ({@link #maskedWhenShown}).
 */
public final class SealedRequests {
  /** What replaces a secret value wherever a request is shown. */
  public static final String MASK = "••••••";

  private static final Set<String> SECRET_NAMES =
      Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");
  private static final List<String> SECRET_WORDS =
      List.of("token", "secret", "password", "passwd", "auth", "key", "signature", "session");

  /** Set by Runlater itself or by HTTP on every delivery; lower case. */
  private static final Set<String> RESERVED_NAMES =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "upgrade",
          "te",
          "trailer",
          "user-agent",
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature");

  private static final String RUNLATER_PREFIX = "runlater-";
  private static final String WEBHOOK_PREFIX = "webhook-";

  private SealedRequests() {}

  /** Whether a header of this name is sealed even when the caller did not ask for it. */
  public static boolean looksSecret(String headerName) {
    String name = headerName.toLowerCase(Locale.ROOT);
    if (SECRET_NAMES.contains(name)) {
      return true;
    }
    for (String word : SECRET_WORDS) {
      if (name.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a header of this name is Runlater's or HTTP's to set ({@code User-Agent}, the signature
   * headers, {@code Runlater-*}, the framing headers): a request may not give it, and a delivery
   * never sends a stored one.
   */
  public static boolean reserved(String headerName) {
    String name = headerName.toLowerCase(Locale.ROOT);
    return RESERVED_NAMES.contains(name) || name.startsWith(RUNLATER_PREFIX);
  }

  /**
   * Whether an attempt adds a header of this name to the request it records (the signature and
   * {@code Runlater-*} headers, {@code User-Agent}, {@code traceparent}): sending the recorded
   * request again leaves them out, and the new attempt adds its own.
   */
  public static boolean addedPerAttempt(String headerName) {
    String name = headerName.toLowerCase(Locale.ROOT);
    return name.startsWith(WEBHOOK_PREFIX)
        || name.startsWith(RUNLATER_PREFIX)
        || name.equals("user-agent")
        || name.equals("traceparent");
  }

  /**
   * Whether a recorded header of this name is shown masked: every one that {@link #looksSecret},
   * except the signature headers, which are signed per attempt and prove nothing elsewhere.
   */
  public static boolean maskedWhenShown(String headerName) {
    return looksSecret(headerName)
        && !headerName.toLowerCase(Locale.ROOT).startsWith(WEBHOOK_PREFIX);
  }

  /**
   * Splits headers into plain and sealed, and seals the body when asked.
   *
   * @param secretHeaderNames further header names (any case) to seal
   */
  public static TaskRequest seal(
      SecretBox box,
      String url,
      String method,
      List<Header> headers,
      Set<String> secretHeaderNames,
      byte[] body,
      boolean secretBody,
      int timeoutMs) {
    Set<String> extra =
        secretHeaderNames.stream()
            .map(n -> n.toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toSet());
    List<Header> plain = new ArrayList<>();
    List<Header> secret = new ArrayList<>();
    for (Header h : headers) {
      if (looksSecret(h.name()) || extra.contains(h.name().toLowerCase(Locale.ROOT))) {
        secret.add(h);
      } else {
        plain.add(h);
      }
    }
    byte[] sealedHeaders =
        secret.isEmpty()
            ? null
            : box.seal(HeaderCodec.toJson(secret).getBytes(StandardCharsets.UTF_8));
    boolean sealBody = secretBody && body != null && body.length > 0;
    return new TaskRequest(
        url, method, plain, sealedHeaders, sealBody ? box.seal(body) : body, sealBody, timeoutMs);
  }

  /** All headers, secret ones opened, plain ones first. */
  public static List<Header> openHeaders(SecretBox box, TaskRequest request) {
    if (request.sealedHeaders() == null) {
      return request.headers();
    }
    List<Header> all = new ArrayList<>(request.headers());
    all.addAll(
        HeaderCodec.fromJson(
            new String(box.open(request.sealedHeaders()), StandardCharsets.UTF_8)));
    return all;
  }

  /** All headers for display: secret values replaced by {@link #MASK}. */
  public static List<Header> maskedHeaders(SecretBox box, TaskRequest request) {
    return maskedHeaders(box, request.headers(), request.sealedHeaders());
  }

  public static List<Header> maskedHeaders(
      SecretBox box, List<Header> plain, byte[] sealedHeaders) {
    if (sealedHeaders == null) {
      return plain;
    }
    List<Header> all = new ArrayList<>(plain);
    for (Header h :
        HeaderCodec.fromJson(new String(box.open(sealedHeaders), StandardCharsets.UTF_8))) {
      all.add(new Header(h.name(), MASK));
    }
    return all;
  }

  public static byte[] openBody(SecretBox box, TaskRequest request) {
    return request.bodySealed() ? box.open(request.body()) : request.body();
  }

  /** The URL to send to: the sealed one opened, or the stored one when it is not secret. */
  public static String openUrl(SecretBox box, TaskRequest request) {
    return request.sealedUrl() == null
        ? request.url()
        : new String(box.open(request.sealedUrl()), StandardCharsets.UTF_8);
  }

  /**
   * What a secret URL shows where it is stored in the clear or displayed: its scheme, host and
   * port, which host states and the history need, and {@link #MASK} for the rest ({@code
   * https://hooks.slack.com/••••••}); an opaque URL ({@code mailto:}) shows its scheme only.
   */
  public static String shownUrl(String url) {
    try {
      java.net.URI uri = new java.net.URI(url);
      if (uri.getScheme() == null) {
        return MASK;
      }
      if (uri.getHost() == null) {
        return uri.getScheme() + ":" + MASK;
      }
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
          + "/"
          + MASK;
    } catch (java.net.URISyntaxException e) {
      return MASK;
    }
  }
}
