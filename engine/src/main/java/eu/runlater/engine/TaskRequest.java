package eu.runlater.engine;

import java.util.List;

/**
 * The HTTP request a task delivers, as stored: plain headers in the clear, secret headers sealed
 * together (see {@link SealedRequests}), and a body that may itself be sealed.
 *
 * @param sealedHeaders the secret headers as one sealed JSON value, or null
 * @param bodySealed whether {@code body} is sealed and must be opened before sending
 */
public record TaskRequest(
    String url,
    String method,
    List<Header> headers,
    byte[] sealedHeaders,
    byte[] body,
    boolean bodySealed,
    int timeoutMs) {

  public static final int MIN_TIMEOUT_MS = 1_000;
  public static final int MAX_TIMEOUT_MS = 300_000;
  public static final int MAX_BODY_BYTES = 256 * 1024;

  public TaskRequest {
    headers = List.copyOf(headers);
    if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("timeoutMs must be 1.." + MAX_TIMEOUT_MS);
    }
  }
}
