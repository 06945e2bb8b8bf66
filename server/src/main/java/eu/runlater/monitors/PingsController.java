package eu.runlater.monitors;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Pings: {@code /ping/<token>} (GET, POST or HEAD), with {@code /start}, {@code /fail} or {@code
 * /<exit code>} appended; and {@code /ping/<organization ping key>/<slug>} with the same suffixes
 * ({@code ?create=1} makes the monitor on its first ping). No auth: the token is the secret. The
 * answer is a short text: 200 {@code OK}; 404 {@code not found} for any token that is not a
 * monitor's now (never saying whether it was one); 429 with Retry-After for a flood of repeats.
 */
@RestController
@io.swagger.v3.oas.annotations.security.SecurityRequirements
@Tag(name = "Pings")
class PingsController {
  private static final MediaType TEXT = MediaType.TEXT_PLAIN;

  private final MonitorPings pings;
  private final PingLimiter limiter;
  private final InstantSource clock;

  PingsController(MonitorPings pings, PingLimiter limiter, InstantSource clock) {
    this.pings = pings;
    this.limiter = limiter;
    this.clock = clock;
  }

  @RequestMapping(
      path = "/ping/{token}",
      method = {RequestMethod.GET, RequestMethod.POST, RequestMethod.HEAD})
  @Operation(summary = "A heartbeat's success ping (no auth: the token is the secret)")
  ResponseEntity<String> ping(@PathVariable String token, HttpServletRequest request) {
    return byToken(token, HeartbeatRules.SUCCESS, null, request);
  }

  @RequestMapping(
      path = "/ping/{first}/{second}",
      method = {RequestMethod.GET, RequestMethod.POST, RequestMethod.HEAD})
  @Operation(
      summary = "/ping/<token>/start|fail|<exit code>, or /ping/<ping key>/<slug>[?create=1]",
      description =
          "start begins a run (its duration is measured to the next finish); fail and a non-zero"
              + " exit code (0-255) make the monitor down; 0 is a success.")
  ResponseEntity<String> pingTwo(
      @PathVariable String first,
      @PathVariable String second,
      @RequestParam(defaultValue = "") String create,
      HttpServletRequest request) {
    if (isSuffix(second)) {
      return byToken(first, kind(second), exitCode(second), request);
    }
    return bySlug(first, second, create, HeartbeatRules.SUCCESS, null, request);
  }

  @RequestMapping(
      path = "/ping/{key}/{slug}/{suffix}",
      method = {RequestMethod.GET, RequestMethod.POST, RequestMethod.HEAD})
  @Operation(summary = "/ping/<ping key>/<slug>/start|fail|<exit code>")
  ResponseEntity<String> pingThree(
      @PathVariable String key,
      @PathVariable String slug,
      @PathVariable String suffix,
      @RequestParam(defaultValue = "") String create,
      HttpServletRequest request) {
    if (!isSuffix(suffix)) {
      return notFound();
    }
    return bySlug(key, slug, create, kind(suffix), exitCode(suffix), request);
  }

  private ResponseEntity<String> byToken(
      String token, String kind, Integer exitCode, HttpServletRequest request) {
    if (kind == null) {
      return notFound();
    }
    return take(
        "t:" + token,
        kind,
        exitCode,
        request,
        p -> () -> pings.byToken(token, p, received(request)));
  }

  private ResponseEntity<String> bySlug(
      String key,
      String slug,
      String create,
      String kind,
      Integer exitCode,
      HttpServletRequest request) {
    if (kind == null) {
      return notFound();
    }
    boolean make = "1".equals(create) || "true".equalsIgnoreCase(create);
    return take(
        "s:" + key + "/" + slug,
        kind,
        exitCode,
        request,
        p -> () -> pings.bySlug(key, slug, make, p, received(request)));
  }

  private ResponseEntity<String> take(
      String limitKey,
      String kind,
      Integer exitCode,
      HttpServletRequest request,
      java.util.function.Function<HeartbeatRules.Ping, Supplier<Optional<MonitorPings.Taken>>>
          apply) {
    HeartbeatRules.Ping ping = new HeartbeatRules.Ping(kind, exitCode, clock.instant());
    String category = PingLimiter.category(ping);
    PingLimiter.Verdict verdict = limiter.check(limitKey, category, ping.at());
    if (!verdict.take()) {
      return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
          .header(HttpHeaders.RETRY_AFTER, String.valueOf(verdict.retryAfterSeconds()))
          .header(HttpHeaders.CACHE_CONTROL, "no-store")
          .contentType(TEXT)
          .body("rate limited\n");
    }
    Optional<MonitorPings.Taken> taken = apply.apply(ping).get();
    if (taken.isEmpty()) {
      return notFound();
    }
    limiter.taken(limitKey, taken.get().state(), taken.get().dueAt(), category);
    return ResponseEntity.ok()
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .contentType(TEXT)
        .body("OK\n");
  }

  private static ResponseEntity<String> notFound() {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .contentType(TEXT)
        .body("not found\n");
  }

  private static boolean isSuffix(String s) {
    return "start".equals(s)
        || "fail".equals(s)
        || (!s.isEmpty() && s.length() <= 3 && s.chars().allMatch(Character::isDigit));
  }

  /** The ping's kind for a suffix; null for an exit code out of 0-255. */
  private static String kind(String suffix) {
    return switch (suffix) {
      case "start" -> HeartbeatRules.START;
      case "fail" -> HeartbeatRules.FAIL;
      default -> Integer.parseInt(suffix) <= 255 ? HeartbeatRules.EXIT : null;
    };
  }

  private static Integer exitCode(String suffix) {
    return "start".equals(suffix) || "fail".equals(suffix) ? null : Integer.parseInt(suffix);
  }

  private static MonitorPings.Received received(HttpServletRequest request) {
    byte[] body = null;
    boolean truncated = false;
    try (InputStream in = request.getInputStream()) {
      byte[] read = in.readNBytes(MonitorPings.MAX_BODY);
      if (read.length > 0) {
        body = read;
        truncated = read.length == MonitorPings.MAX_BODY && in.read() != -1;
      }
    } catch (IOException e) {
      // a body that broke off: the ping still counts, with what arrived
    }
    String agent = request.getHeader(HttpHeaders.USER_AGENT);
    if (agent != null && agent.length() > 500) {
      agent = agent.substring(0, 500);
    }
    return new MonitorPings.Received(
        request.getMethod(), request.getRemoteAddr(), agent, body, truncated);
  }
}
