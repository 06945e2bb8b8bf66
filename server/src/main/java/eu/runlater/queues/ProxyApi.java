package eu.runlater.queues;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.errors.PayloadTooLargeException;
import eu.runlater.platform.requests.RequestRules;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The pass-through proxy: {@code POST /q/https://api.example.com/hook?x=1} enqueues the request's
 * body, byte for byte with its {@code Content-Type}, for delivery to everything after {@code /q/}
 * (query string included). Headers named {@code Runlater-Forward-X} go out as {@code X}; options
 * travel as {@code Runlater-*} headers, and an unknown one is refused so that a typo cannot pass
 * silently.
 */
@RestController
@Tag(name = "Messages")
class ProxyApi {
  static final String PREFIX = "/q/";
  static final String FORWARD = "runlater-forward-";

  /** Option headers (lower case) and the message field each one sets. */
  static final Map<String, String> OPTIONS =
      Map.ofEntries(
          Map.entry("runlater-queue", "queue"),
          Map.entry("runlater-method", "method"),
          Map.entry("runlater-delay", "delay"),
          Map.entry("runlater-not-before", "not_before"),
          Map.entry("runlater-retries", "retries"),
          Map.entry("runlater-timeout", "timeout_ms"),
          Map.entry("runlater-callback", "callback_url"),
          Map.entry("runlater-failure-callback", "failure_callback_url"),
          Map.entry("runlater-dedup-id", "dedup_id"),
          Map.entry("runlater-content-based-dedup", "content_based_dedup"),
          Map.entry("runlater-ordering-key", "ordering_key"));

  private final Messages messages;
  private final MessageRules messageRules;
  private final RequestRules rules;
  private final InstantSource clock;

  ProxyApi(Messages messages, MessageRules messageRules, RequestRules rules, InstantSource clock) {
    this.messages = messages;
    this.messageRules = messageRules;
    this.rules = rules;
    this.clock = clock;
  }

  @RequestMapping(
      path = "/q/**",
      method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE})
  @Operation(
      summary = "Enqueue this request for delivery to the URL after /q/",
      description =
          "POST (or PUT, PATCH, DELETE) /q/{destination URL with its query string}. The body is"
              + " kept byte for byte and sent with the request's Content-Type; Runlater-Forward-X"
              + " headers go out as X. Options as headers: Runlater-Queue (default 'default'),"
              + " Runlater-Method (default: this request's method), Runlater-Delay (90s, 15m,"
              + " ISO-8601), Runlater-Not-Before (RFC 3339), Runlater-Retries (0-10),"
              + " Runlater-Timeout (30s, or milliseconds), Runlater-Callback,"
              + " Runlater-Failure-Callback, Runlater-Dedup-Id, Runlater-Content-Based-Dedup: true,"
              + " Runlater-Ordering-Key. Any other Runlater-* header is a 422. 201 with the message"
              + " id; 200 with deduplicated=true. Honours Idempotency-Key.")
  ResponseEntity<Messages.Pushed> enqueue(
      @AuthenticationPrincipal ApiPrincipal caller, HttpServletRequest request) {
    // The raw URI: the servlet path has '//' merged and percent-escapes decoded.
    String destination = request.getRequestURI().substring(PREFIX.length());
    if (request.getQueryString() != null) {
      destination += "?" + request.getQueryString();
    }
    byte[] body = body(request);
    List<FieldError> errors = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, String> forwarded = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      String lower = name.toLowerCase(Locale.ROOT);
      String value = String.join(", ", Collections.list(request.getHeaders(name)));
      if (lower.startsWith(FORWARD)) {
        String target = name.substring(FORWARD.length());
        if (target.isEmpty()) {
          errors.add(new FieldError(name, "needs a header name after Runlater-Forward-"));
        } else {
          forwarded.put(target, value);
        }
      } else if (lower.startsWith("runlater-")) {
        if (OPTIONS.containsKey(lower)) {
          options.put(OPTIONS.get(lower), value.strip());
        } else {
          errors.add(
              new FieldError(
                  name,
                  "is not a Runlater option; known: Runlater-Queue, Runlater-Method,"
                      + " Runlater-Delay, Runlater-Not-Before, Runlater-Retries, Runlater-Timeout,"
                      + " Runlater-Callback, Runlater-Failure-Callback, Runlater-Dedup-Id,"
                      + " Runlater-Content-Based-Dedup, Runlater-Ordering-Key; forward a header"
                      + " with Runlater-Forward-<name>"));
        }
      }
    }
    Integer retries = integer(options.get("retries"), "retries", errors);
    Integer timeoutMs = timeoutMs(options.get("timeout_ms"), errors);
    Boolean contentDedup = bool(options.get("content_based_dedup"), errors);
    String queue = options.getOrDefault("queue", Messages.DEFAULT_QUEUE);
    String method = options.getOrDefault("method", request.getMethod());
    MessageInput opts =
        new MessageInput(
            queue,
            null,
            method,
            null,
            null,
            null,
            null,
            timeoutMs,
            retries,
            options.get("delay"),
            options.get("not_before"),
            options.get("callback_url"),
            options.get("failure_callback_url"),
            options.get("dedup_id"),
            contentDedup,
            options.get("ordering_key"),
            null);
    Instant now = clock.instant();
    String target = destination;
    Messages.Pending pending =
        new Messages.Pending(
            queue,
            (queueTimeout, own) -> {
              own.addAll(errors);
              RequestRules.Draft draft =
                  rules.rawRequest(
                      target,
                      method,
                      forwarded,
                      body,
                      request.getContentType(),
                      timeoutMs == null ? queueTimeout : timeoutMs,
                      own);
              return messageRules.withOptions(draft, opts, now, own);
            });
    Messages.Pushed pushed;
    try {
      pushed = messages.pushAll(caller.organizationId(), List.of(pending), i -> "", now).getFirst();
    } catch (ApiProblem problem) {
      throw problem.errors().isEmpty() ? problem : ApiProblem.invalid(asHeaders(problem.errors()));
    }
    return pushed.deduplicated()
        ? ResponseEntity.ok(pushed)
        : ResponseEntity.created(URI.create("/api/v1/messages/" + pushed.messageId())).body(pushed);
  }

  private static byte[] body(HttpServletRequest request) {
    try {
      return request.getInputStream().readAllBytes();
    } catch (PayloadTooLargeException e) {
      throw new ApiProblem(
          HttpStatus.CONTENT_TOO_LARGE,
          "payload-too-large",
          "Payload too large",
          "The request body is larger than "
              + e.limit() / 1024
              + " KB. Send a smaller body (request bodies delivered to targets are limited to"
              + " 256 KB).");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Names each problem by the header that caused it, as the caller spelled the option. */
  static List<FieldError> asHeaders(List<FieldError> errors) {
    List<FieldError> named = new ArrayList<>(errors.size());
    for (FieldError e : errors) {
      String field = e.field();
      if (field.startsWith("headers.")) {
        field = "Runlater-Forward-" + field.substring("headers.".length());
      } else if (field.equals("url")) {
        field = "destination";
      } else if (field.equals("body") || field.equals("Content-Type")) {
        // as is
      } else {
        for (var option : OPTIONS.entrySet()) {
          if (option.getValue().equals(field)) {
            field = headerName(option.getKey());
          }
        }
      }
      named.add(new FieldError(field, e.message()));
    }
    return named;
  }

  private static String headerName(String lower) {
    StringBuilder out = new StringBuilder(lower.length());
    boolean upper = true;
    for (char c : lower.toCharArray()) {
      out.append(upper ? Character.toUpperCase(c) : c);
      upper = c == '-';
    }
    return out.toString();
  }

  private static Integer integer(String value, String field, List<FieldError> errors) {
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      errors.add(new FieldError(field, "must be a whole number"));
      return null;
    }
  }

  /** {@code 30s}, {@code 2m}, {@code 1500ms}, ISO-8601, or a bare number of milliseconds. */
  private static Integer timeoutMs(String value, List<FieldError> errors) {
    if (value == null) {
      return null;
    }
    if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() < 10) {
      return Integer.valueOf(value);
    }
    Duration d = RequestRules.parseDelay(value);
    if (d == null || d.toMillis() > Integer.MAX_VALUE) {
      errors.add(new FieldError("timeout_ms", "must look like 30s, 2m or 1500ms (1 s to 5 min)"));
      return null;
    }
    return (int) d.toMillis();
  }

  private static Boolean bool(String value, List<FieldError> errors) {
    if (value == null) {
      return null;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        errors.add(new FieldError("content_based_dedup", "must be true or false"));
        yield null;
      }
    };
  }
}
