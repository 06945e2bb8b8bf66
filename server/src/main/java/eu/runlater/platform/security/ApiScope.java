package eu.runlater.platform.security;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an API key may do. Checked in one place ({@link ApiKeyAuthenticationFilter}), before any
 * handler or the idempotency layer runs, so a refused call changes nothing.
 *
 * <p>{@code send} and {@code read-only} are allow-lists: an endpoint added later is refused to them
 * until it is listed here. Creating or revoking keys and rotating the signing secret are in neither
 * list, so only a {@code full} key can do them.
 */
public enum ApiScope {
  /** Everything the API offers (the behaviour of every key made before scopes existed). */
  FULL("full", "every API call"),
  /** Reads: GET and HEAD under /api. */
  READ_ONLY("read-only", "GET and HEAD requests under /api/v1 (reads) only"),
  /**
   * Pushing work in, nothing else (no reads): messages, job triggers, workflow runs and events —
   * each starts work as the organization already defined it, and none reads or changes a
   * definition, decides an approval, cancels or retries.
   */
  SEND(
      "send",
      "pushing messages (POST /api/v1/queues/{name}/messages, POST /api/v1/messages/batch,"
          + " POST /api/v1/topics/{name}/messages, the /q/ proxy), triggering jobs"
          + " (POST /api/v1/jobs/{id}/trigger), starting workflow runs"
          + " (POST /api/v1/workflows/{key}/runs) and sending events (POST /api/v1/events)"
          + " only");

  private static final List<Pattern> SEND_POSTS =
      List.of(
          Pattern.compile("/api/v1/queues/[^/]+/messages"),
          Pattern.compile("/api/v1/messages/batch"),
          Pattern.compile("/api/v1/topics/[^/]+/messages"),
          Pattern.compile("/api/v1/jobs/[^/]+/trigger"),
          Pattern.compile("/api/v1/workflows/[^/]+/runs"),
          Pattern.compile("/api/v1/events"));

  private final String code;
  private final String allows;

  ApiScope(String code, String allows) {
    this.code = code;
    this.allows = allows;
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public String code() {
    return code;
  }

  /** In words, what a key of this scope may call (for refusals and the API keys page). */
  public String allows() {
    return allows;
  }

  /** The scope with this code ({@code full}, {@code read-only}, {@code send}), or null. */
  public static ApiScope of(String code) {
    if (code == null) {
      return null;
    }
    String wanted = code.strip().toLowerCase(Locale.ROOT);
    for (ApiScope s : values()) {
      if (s.code.equals(wanted)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Whether a key of this scope may make this request.
   *
   * @param path the request path without the context path (the firewall has already refused {@code
   *     ..}, encoded slashes, and {@code ;} outside the proxy)
   */
  public boolean allows(String method, String path) {
    return switch (this) {
      case FULL -> true;
      case READ_ONLY -> path.startsWith("/api/") && ("GET".equals(method) || "HEAD".equals(method));
      case SEND ->
          path.startsWith("/q/")
              || "POST".equals(method)
                  && SEND_POSTS.stream().anyMatch(p -> p.matcher(path).matches());
    };
  }
}
