package eu.runlater.inbound;

import eu.runlater.engine.Ids;
import eu.runlater.platform.ratelimit.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a hosted URL does with a request, in order: the source's rate limit (429 with Retry-After),
 * the body's size (413), the source's verification (401), dedup by event id; each refusal is stored
 * as {@code rejected} with its reason. Every request is stored before it is answered.
 */
@Component
class Inbox {
  /** The largest body a hosted URL takes. */
  static final int MAX_BODY = 1024 * 1024;

  static final String REQUEST_ID_HEADER = "Runlater-Request-Id";

  private final InboundEvents events;
  private final RateLimiter limiter;
  private final JsonMapper json;

  Inbox(InboundEvents events, RateLimiter limiter, JsonMapper json) {
    this.events = events;
    this.limiter = limiter;
    this.json = json;
  }

  /** Whether a request to {@code source} may come in now; 0 yes, else seconds to wait. */
  long admit(Source source) {
    return limiter.take("inbound-source:" + source.id(), InboundLimits.policy(source));
  }

  /** Records a request refused by the rate limit and answers 429. */
  ResponseEntity<String> rateLimited(Source source, Received r, long retryAfter) {
    UUID id = Ids.v7(r.at());
    events.store(
        id,
        source,
        r,
        InboundEvents.REJECTED,
        InboundLimits.refusal(source, InboundLimits.policy(source)),
        null,
        null,
        false);
    return text(HttpStatus.TOO_MANY_REQUESTS, id)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
        .body("rate limited\n");
  }

  /** Records a body over {@link #MAX_BODY} and answers 413. */
  ResponseEntity<String> tooLarge(Source source, Received r) {
    UUID id = Ids.v7(r.at());
    events.store(
        id,
        source,
        r,
        InboundEvents.REJECTED,
        "body larger than 1 MB (" + (r.bodySize() < 0 ? "chunked" : r.bodySize() + " bytes") + ")",
        null,
        null,
        false);
    return text(HttpStatus.CONTENT_TOO_LARGE, id).body("body larger than 1 MB\n");
  }

  /** Verifies, dedups and stores a request whose body was read; answers as the source says. */
  ResponseEntity<String> receive(Source source, Received r) {
    UUID id = Ids.v7(r.at());
    VerificationSpec spec = source.verification();
    Verifier.Result result =
        Verifier.verify(
            spec,
            new Verifier.Request(
                r.method(), r.url(), byName(r), r.body(), r.contentType(), r.at()));
    var verification =
        new InboundEvents.Verification(spec.type().code, result.verified(), result.detail());
    if (!result.verified()) {
      events.store(
          id,
          source,
          r,
          InboundEvents.REJECTED,
          "verification failed: " + result.detail(),
          verification,
          null,
          false);
      return text(HttpStatus.UNAUTHORIZED, id).body("verification failed\n");
    }
    // The body is parsed only when a setting looks into it (most requests are stored unparsed).
    boolean slack = spec.type() == VerificationSpec.Type.SLACK;
    JsonNode body = slack || source.dedupJsonPath() != null ? jsonBody(r) : null;
    String challenge = slack ? slackChallenge(body) : null;
    // Slack's handshake is stored, not forwarded: it is no event.
    String status =
        events.store(
            id,
            source,
            r,
            InboundEvents.ACCEPTED,
            null,
            verification,
            eventKey(source, r, body),
            challenge == null);
    if (challenge != null) {
      // Slack's URL verification: it expects the challenge back, as JSON, with a 200.
      return ResponseEntity.ok()
          .header(REQUEST_ID_HEADER, id.toString())
          .contentType(MediaType.APPLICATION_JSON)
          .body(json.writeValueAsString(Map.of("challenge", challenge)));
    }
    var answer =
        ResponseEntity.status(source.responseStatus() == null ? 202 : source.responseStatus())
            .header(REQUEST_ID_HEADER, id.toString())
            .header("Runlater-Request-Status", status);
    if (source.responseBody() != null) {
      return answer
          .contentType(MediaType.parseMediaType(source.responseType()))
          .body(source.responseBody());
    }
    return answer
        .contentType(MediaType.APPLICATION_JSON)
        .body(json.writeValueAsString(new Acknowledged(id, status)));
  }

  /** The default answer's body. */
  record Acknowledged(UUID requestId, String status) {}

  /** The event id that dedups the request: the source's header, or its JSON body's field. */
  private static String eventKey(Source source, Received r, JsonNode body) {
    if (source.dedupHeader() != null) {
      String wanted = source.dedupHeader().toLowerCase(Locale.ROOT);
      for (var h : r.headers()) {
        if (h.getKey().toLowerCase(Locale.ROOT).equals(wanted)) {
          return limit(h.getValue());
        }
      }
      return null;
    }
    if (source.dedupJsonPath() != null && body != null) {
      JsonNode node = body;
      for (String field : source.dedupJsonPath().split("\\.")) {
        node = node == null ? null : node.get(field);
      }
      return node == null || node.isNull() || node.isContainer() ? null : limit(node.asString());
    }
    return null;
  }

  private static String limit(String key) {
    return key == null || key.isEmpty() ? null : key.length() > 500 ? key.substring(0, 500) : key;
  }

  /** The body as JSON when it is JSON; null otherwise (it is stored as it came either way). */
  private JsonNode jsonBody(Received r) {
    if (r.body() == null || r.body().length == 0) {
      return null;
    }
    byte first = r.body()[0];
    if (first != '{'
        && first != '['
        && first != ' '
        && first != '\n'
        && first != '\r'
        && first != '\t') {
      return null;
    }
    try {
      return json.readTree(new String(r.body(), StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      return null;
    }
  }

  private static String slackChallenge(JsonNode body) {
    if (body == null
        || body.get("type") == null
        || !"url_verification".equals(body.get("type").asString())
        || body.get("challenge") == null) {
      return null;
    }
    return body.get("challenge").asString();
  }

  private static java.util.Map<String, java.util.List<String>> byName(Received r) {
    var map = new java.util.HashMap<String, java.util.List<String>>();
    for (var h : r.headers()) {
      map.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
          .add(h.getValue());
    }
    return map;
  }

  private static ResponseEntity.BodyBuilder text(HttpStatus status, UUID id) {
    return ResponseEntity.status(status)
        .header(REQUEST_ID_HEADER, id.toString())
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .contentType(MediaType.TEXT_PLAIN);
  }
}
