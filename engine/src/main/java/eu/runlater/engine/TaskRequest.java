package eu.runlater.engine;

import java.util.List;

/**
 * The HTTP request a task delivers, as stored: plain headers in the clear, secret headers sealed
 * together (see {@link SealedRequests}), a body that may itself be sealed, and a URL that may be
 * sealed too (a webhook URL that is its own credential).
 *
 * @param url where it goes; when {@code sealedUrl} is set, only its shown form (see {@link
 *     SealedRequests#shownUrl}): scheme, host and port, the rest masked
 * @param sealedHeaders the secret headers as one sealed JSON value, or null
 * @param bodySealed whether {@code body} is sealed and must be opened before sending
 * @param sealedUrl the real URL, sealed, or null when {@code url} is the real one
 */
public record TaskRequest(
    String url,
    String method,
    List<Header> headers,
    byte[] sealedHeaders,
    byte[] body,
    boolean bodySealed,
    int timeoutMs,
    byte[] sealedUrl) {

  public static final int MIN_TIMEOUT_MS = 1_000;
  public static final int MAX_TIMEOUT_MS = 300_000;
  public static final int MAX_BODY_BYTES = 256 * 1024;

  /** A request whose URL is not secret. */
  public TaskRequest(
      String url,
      String method,
      List<Header> headers,
      byte[] sealedHeaders,
      byte[] body,
      boolean bodySealed,
      int timeoutMs) {
    this(url, method, headers, sealedHeaders, body, bodySealed, timeoutMs, null);
  }

  public TaskRequest {
    headers = List.copyOf(headers);
    if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("timeoutMs must be 1.." + MAX_TIMEOUT_MS);
    }
  }

  /** This request with its URL sealed: {@code url} keeps the shown form only. */
  public TaskRequest withSealedUrl(SecretBox box, String realUrl) {
    return new TaskRequest(
        SealedRequests.shownUrl(realUrl),
        method,
        headers,
        sealedHeaders,
        body,
        bodySealed,
        timeoutMs,
        box.seal(realUrl.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
