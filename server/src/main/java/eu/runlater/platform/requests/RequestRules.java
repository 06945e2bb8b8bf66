package eu.runlater.platform.requests;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.TargetPolicy;
import eu.runlater.engine.TaskRequest;
import eu.runlater.platform.errors.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The delivery contract's rules for an outbound HTTP request, shared by every source that sends one
 * (jobs, messages): URL and target policy, method, headers, body and timeout. Each problem is
 * collected as a field error naming the fix; nothing is thrown here.
 */
@Component
public class RequestRules {
  public static final int MAX_URL = 2_048;
  public static final int MAX_HEADERS = 50;
  public static final int MAX_HEADER_BYTES = 16 * 1024;
  public static final int DEFAULT_TIMEOUT_MS = 30_000;
  public static final int MAX_RETRIES = 10;
  public static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern DELAY = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  private final TargetPolicy policy;

  public RequestRules(TargetPolicy policy) {
    this.policy = policy;
  }

  /** A checked request, its secrets still in the clear (they are sealed as it is stored). */
  public record Draft(
      String url,
      String method,
      List<Header> headers,
      Set<String> secretHeaders,
      byte[] body,
      boolean secretBody,
      int timeoutMs) {}

  /**
   * Checks one request. {@code body}: a string is sent as-is; any other JSON value is sent as JSON
   * (with {@code Content-Type: application/json} unless a content type is given). Returns null when
   * it added errors.
   */
  public Draft request(
      String url,
      String method,
      Map<String, String> headers,
      List<String> secretHeaders,
      JsonNode body,
      Boolean secretBody,
      Integer timeoutMs,
      List<FieldError> errors) {
    int before = errors.size();
    byte[] bytes = body(body, errors);
    boolean json = body != null && !body.isString();
    String defaultType = json ? "application/json" : "text/plain; charset=utf-8";
    return checked(
        url,
        method,
        headers,
        secretHeaders,
        bytes,
        defaultType,
        secretBody,
        timeoutMs,
        before,
        errors);
  }

  /**
   * Checks one request whose body is raw bytes, sent byte for byte (an empty body is no body).
   * {@code contentType} goes out as {@code Content-Type} unless {@code headers} name one; a body
   * without either is sent as {@code application/octet-stream}. Every other rule is the same as
   * {@link #request}'s. Returns null when it added errors.
   */
  public Draft rawRequest(
      String url,
      String method,
      Map<String, String> headers,
      byte[] body,
      String contentType,
      Integer timeoutMs,
      List<FieldError> errors) {
    int before = errors.size();
    byte[] bytes = body == null || body.length == 0 ? null : body;
    if (bytes != null) {
      checkBodySize(bytes.length, errors);
    }
    String type = contentType == null || contentType.isBlank() ? null : contentType.strip();
    if (type != null && (type.indexOf('\r') >= 0 || type.indexOf('\n') >= 0)) {
      errors.add(new FieldError("Content-Type", "must be a single line"));
    }
    return checked(
        url,
        method,
        headers,
        null,
        bytes,
        type == null ? "application/octet-stream" : type,
        false,
        timeoutMs,
        before,
        errors);
  }

  private Draft checked(
      String url,
      String method,
      Map<String, String> headers,
      List<String> secretHeaders,
      byte[] bytes,
      String defaultContentType,
      Boolean secretBody,
      Integer timeoutMs,
      int before,
      List<FieldError> errors) {
    String target = url(url, errors);
    String verb = method(method, bytes, errors);
    List<Header> list = headers(headers, bytes == null ? null : defaultContentType, errors);
    Set<String> secret = secretHeaders(secretHeaders, list, errors);
    int timeout = timeout(timeoutMs, errors);
    if (errors.size() > before) {
      return null;
    }
    return new Draft(target, verb, list, secret, bytes, Boolean.TRUE.equals(secretBody), timeout);
  }

  /** The URL, stripped, or null with an error: required, at most 2 KB, allowed by the policy. */
  public String url(String url, List<FieldError> errors) {
    return url("url", url, errors);
  }

  public String url(String field, String url, List<FieldError> errors) {
    String value = url == null ? "" : url.strip();
    if (value.isEmpty()) {
      errors.add(new FieldError(field, "is required: the http(s) URL to call"));
      return null;
    }
    if (value.length() > MAX_URL) {
      errors.add(new FieldError(field, "must be at most " + MAX_URL + " characters"));
      return null;
    }
    String problem;
    try {
      problem = policy.checkUrl(new URI(value));
    } catch (URISyntaxException e) {
      problem = "is not a valid URL (" + e.getReason() + ")";
    }
    if (problem != null) {
      errors.add(new FieldError(field, problem));
      return null;
    }
    return value;
  }

  /** The method, upper-cased; GET without a body and POST with one when not given. */
  public static String method(String method, byte[] body, List<FieldError> errors) {
    String verb =
        method == null ? (body == null ? "GET" : "POST") : method.strip().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(verb)) {
      errors.add(
          new FieldError("method", "must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"));
    } else if (body != null && (verb.equals("GET") || verb.equals("HEAD"))) {
      errors.add(new FieldError("body", verb + " requests carry no body; use POST or PUT"));
    }
    return verb;
  }

  static byte[] body(JsonNode body, List<FieldError> errors) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      return null;
    }
    String text = body.isString() ? body.asString() : body.toString();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    checkBodySize(bytes.length, errors);
    return bytes;
  }

  public static void checkBodySize(int length, List<FieldError> errors) {
    if (length > TaskRequest.MAX_BODY_BYTES) {
      errors.add(
          new FieldError(
              "body",
              "is "
                  + length
                  + " bytes; the limit is "
                  + TaskRequest.MAX_BODY_BYTES
                  + " bytes (256 KB)"));
    }
  }

  /**
   * The caller's headers, checked, plus a {@code Content-Type} for a body that has none ({@code
   * application/json} for a JSON body, text otherwise).
   */
  public static List<Header> headers(
      Map<String, String> given, boolean hasBody, boolean jsonBody, List<FieldError> errors) {
    String defaultType =
        !hasBody ? null : jsonBody ? "application/json" : "text/plain; charset=utf-8";
    return headers(given, defaultType, errors);
  }

  /** The caller's headers, checked, plus {@code defaultContentType} (if not null) when none. */
  public static List<Header> headers(
      Map<String, String> given, String defaultContentType, List<FieldError> errors) {
    Map<String, String> map = given == null ? new LinkedHashMap<>() : given;
    List<Header> headers = new ArrayList<>();
    int bytes = 0;
    if (map.size() > MAX_HEADERS) {
      errors.add(new FieldError("headers", "at most " + MAX_HEADERS + " headers"));
    }
    for (var e : map.entrySet()) {
      Header header = header(e.getKey(), e.getValue(), "headers." + e.getKey(), errors);
      if (header != null) {
        bytes += header.name().length() + header.value().length();
        headers.add(header);
      }
    }
    if (bytes > MAX_HEADER_BYTES) {
      errors.add(new FieldError("headers", "total at most " + MAX_HEADER_BYTES + " bytes"));
    }
    boolean hasType = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("content-type"));
    if (defaultContentType != null && !hasType) {
      headers.add(new Header("Content-Type", defaultContentType));
    }
    return headers;
  }

  /** One header a caller asked to send, or null with an error under {@code field}. */
  public static Header header(String name, String value, String field, List<FieldError> errors) {
    if (name == null || !TOKEN.matcher(name).matches()) {
      errors.add(new FieldError(field, "is not a valid header name"));
      return null;
    }
    if (SealedRequests.reserved(name)) {
      errors.add(
          new FieldError(field, "is set by Runlater itself (or by HTTP) and cannot be given"));
      return null;
    }
    if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      errors.add(new FieldError(field, "must be a string without line breaks"));
      return null;
    }
    return new Header(name, value);
  }

  static Set<String> secretHeaders(
      List<String> names, List<Header> headers, List<FieldError> errors) {
    Set<String> secret = new LinkedHashSet<>();
    if (names != null) {
      for (String n : names) {
        if (headers.stream().noneMatch(h -> h.name().equalsIgnoreCase(n))) {
          errors.add(
              new FieldError("secret_headers", "names '" + n + "', which is not in headers"));
        }
        secret.add(n);
      }
    }
    return secret;
  }

  public static int timeout(Integer timeoutMs, List<FieldError> errors) {
    int timeout = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
    if (timeout < TaskRequest.MIN_TIMEOUT_MS || timeout > TaskRequest.MAX_TIMEOUT_MS) {
      errors.add(new FieldError("timeout_ms", "must be 1000 to 300000 (1 s to 5 min)"));
    }
    return timeout;
  }

  /** Retries after the first attempt: {@code fallback} when not given, 0 to 10. */
  public static int retries(Integer retries, int fallback, List<FieldError> errors) {
    int value = retries == null ? fallback : retries;
    if (value < 0 || value > MAX_RETRIES) {
      errors.add(new FieldError("retries", "must be 0 to " + MAX_RETRIES));
    }
    return value;
  }

  /** {@code 500ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d} or ISO-8601; null if not. */
  public static Duration parseDelay(String text) {
    String value = text.strip();
    Matcher m = DELAY.matcher(value);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      Duration d = Duration.parse(value);
      return d.isNegative() ? null : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
