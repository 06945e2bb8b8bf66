package eu.runlater.monitors;

import eu.runlater.engine.SecretBox;
import eu.runlater.platform.api.JsonMergePatch;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import eu.runlater.platform.web.PublicUrl;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Monitors: heartbeats and uptime checks; their pings, timeline and check results. */
@RestController
@RequestMapping("/api/v1/monitors")
@Tag(name = "Monitors")
class MonitorsApi {
  private static final Set<String> KINDS = Set.of("heartbeat", "http", "tcp");
  private static final Set<String> STATES = Set.of("new", "up", "late", "down", "paused");

  private final MonitorCommands commands;
  private final MonitorReads reads;
  private final MonitorValidator validator;
  private final SecretBox secrets;
  private final PublicUrl publicUrl;
  private final JsonMapper json;

  MonitorsApi(
      MonitorCommands commands,
      MonitorReads reads,
      MonitorValidator validator,
      SecretBox secrets,
      PublicUrl publicUrl,
      JsonMapper json) {
    this.commands = commands;
    this.reads = reads;
    this.validator = validator;
    this.secrets = secrets;
    this.publicUrl = publicUrl;
    this.json = json;
  }

  @PostMapping
  @Operation(
      summary = "Create a monitor",
      description =
          "kind heartbeat (default): {name, period or cron (+ timezone), grace, max_runtime?,"
              + " slug?, tags?}; the answer's ping_url is where the job pings. kind http: {name,"
              + " url, method?, headers?, secret_headers?, body?, expected_statuses? (200-299),"
              + " keyword?, keyword_absent?, max_response_ms?, follow_redirects? (true), interval?"
              + " (5m), timeout? (10s), confirmations? (2), tls_expiry_days? (14 for https)}. kind"
              + " tcp: {name, url: tcp://host:port, interval?, timeout?, confirmations?}."
              + " Durations are seconds or text (90s, 15m, 2h, 1d). The tier caps the count of"
              + " monitors (403 cap-monitors) and the shortest check interval (422 on interval)."
              + " Honours Idempotency-Key.")
  ResponseEntity<MonitorView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody MonitorInput input) {
    UUID org = caller.organizationId();
    Monitor m = commands.create(org, validator.validate(required(input), reads.tier(org)));
    return ResponseEntity.created(URI.create("/api/v1/monitors/" + m.id())).body(view(m));
  }

  @GetMapping
  @Operation(summary = "List monitors, newest first, with cursor pagination and filters")
  Page<MonitorView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String tag,
      @RequestParam(required = false) String q) {
    int n = Page.limit(limit);
    if (kind != null && !KINDS.contains(kind)) {
      throw ApiProblem.invalid("kind", "must be heartbeat, http or tcp");
    }
    if (state != null && !STATES.contains(state)) {
      throw ApiProblem.invalid("state", "must be new, up, late, down or paused");
    }
    var rows =
        reads.list(
            caller.organizationId(),
            new MonitorReads.Filter(kind, state, tag, q == null || q.isBlank() ? null : q),
            Page.cursor(cursor),
            n + 1);
    String key =
        rows.stream().anyMatch(m -> m.slug() != null)
            ? reads.pingKey(caller.organizationId())
            : null;
    return Page.of(rows, n, Monitor::id, m -> view(m, key));
  }

  @GetMapping("/{id}")
  @Operation(summary = "A monitor and its state")
  MonitorView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return view(reads.get(caller.organizationId(), id));
  }

  @PatchMapping("/{id}")
  @Operation(
      summary = "Change a monitor (JSON Merge Patch: give the fields to change, null to remove)",
      description =
          "The kind cannot change. A heartbeat's new schedule applies from its last ping; an"
              + " uptime monitor's waiting check is replaced by one of the new definition, now."
              + " Headers left out keep their (secret) values.")
  MonitorView patch(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "malformed-request",
          "Malformed request",
          "A PATCH body is a JSON object of the fields to change.");
    }
    UUID org = caller.organizationId();
    Monitor current = reads.get(org, id);
    JsonNode merged = JsonMergePatch.apply(MonitorView.patchTarget(current, secrets, json), patch);
    MonitorInput input;
    try {
      input = json.treeToValue(merged, MonitorInput.class);
    } catch (JacksonException e) {
      throw ApiProblem.invalid("body", "does not describe a monitor: " + e.getOriginalMessage());
    }
    return view(commands.update(org, id, validator.validate(input, reads.tier(org))));
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Delete a monitor with its pings, checks and timeline")
  ResponseEntity<Void> delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    commands.delete(caller.organizationId(), id);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{id}/pause")
  @Operation(
      summary = "Pause a monitor: no alerts, no checks; pings are still logged",
      description = "A down monitor's alert incident closes. A no-op when paused.")
  MonitorView pause(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return view(commands.pause(caller.organizationId(), id, "the API"));
  }

  @PostMapping("/{id}/resume")
  @Operation(
      summary = "Resume a paused monitor",
      description =
          "It is new again: a heartbeat waits for its next ping, an uptime monitor is checked now.")
  MonitorView resume(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return view(commands.resume(caller.organizationId(), id, "the API"));
  }

  /** A logged ping; the body as text (its first 10 KB, as received). */
  record PingView(
      UUID id,
      Instant receivedAt,
      String kind,
      Integer exitCode,
      String method,
      String sourceIp,
      String userAgent,
      String body,
      boolean bodyTruncated,
      Long durationMs) {}

  @GetMapping("/{id}/pings")
  @Operation(summary = "A heartbeat's pings, newest first (cursor pagination)")
  Page<PingView> pings(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    reads.get(caller.organizationId(), id);
    var rows = reads.pings(caller.organizationId(), id, Page.cursor(cursor), n + 1);
    return Page.of(
        rows,
        n,
        MonitorReads.Ping::id,
        p ->
            new PingView(
                p.id(),
                p.receivedAt(),
                p.kind(),
                p.exitCode(),
                p.method(),
                p.sourceIp(),
                p.userAgent(),
                p.body() == null ? null : new String(p.body(), StandardCharsets.UTF_8),
                p.bodyTruncated(),
                p.durationMs()));
  }

  @GetMapping("/{id}/events")
  @Operation(summary = "A monitor's timeline: every change of state with why, newest first")
  Page<MonitorReads.Event> events(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    reads.get(caller.organizationId(), id);
    var rows = reads.events(caller.organizationId(), id, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, MonitorReads.Event::id, e -> e);
  }

  /** A page of checks; pass next_cursor back as cursor. */
  record Checks(List<MonitorReads.Check> data, String nextCursor) {}

  @GetMapping("/{id}/checks")
  @Operation(summary = "An uptime monitor's check results, newest first (cursor pagination)")
  Checks checks(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    reads.get(caller.organizationId(), id);
    Instant before = null;
    if (cursor != null && !cursor.isBlank()) {
      try {
        before =
            Instant.parse(
                new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw ApiProblem.invalid(
            "cursor", "is not a cursor this API gave out; pass next_cursor from the previous page");
      }
    }
    var rows = reads.checks(caller.organizationId(), id, before, n + 1);
    boolean more = rows.size() > n;
    List<MonitorReads.Check> shown = more ? rows.subList(0, n) : rows;
    String next =
        more
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    shown.getLast().checkedAt().toString().getBytes(StandardCharsets.UTF_8))
            : null;
    return new Checks(shown, next);
  }

  /** The organization's ping key and where slugs are pinged. */
  record PingKey(String pingKey, String slugUrl) {}

  @GetMapping("/ping-key")
  @Operation(
      summary = "The organization's ping key: heartbeats with a slug answer at /ping/<key>/<slug>",
      description =
          "Made on first use. A ping to /ping/<key>/<slug>?create=1 for a slug no monitor has"
              + " creates a heartbeat with that slug (every 1 d, 1 h grace) within the tier's"
              + " cap.")
  PingKey pingKey(@AuthenticationPrincipal ApiPrincipal caller) {
    String key = reads.pingKey(caller.organizationId());
    return new PingKey(key, publicUrl.of("/ping/" + key + "/<slug>"));
  }

  /** A tag's badge. */
  record TagBadge(String tag, String svg, String json) {}

  record TagBadges(List<TagBadge> data) {}

  @GetMapping("/badges")
  @Operation(
      summary = "Status badges per tag (made on first use): the worst state of the tag's monitors",
      description = "Each monitor's own badge is in its badge field.")
  TagBadges badges(@AuthenticationPrincipal ApiPrincipal caller) {
    String base = publicUrl.base();
    return new TagBadges(
        reads.tagBadges(caller.organizationId()).entrySet().stream()
            .map(
                e ->
                    new TagBadge(
                        e.getKey(),
                        base + "/badge/" + e.getValue() + ".svg",
                        base + "/badge/" + e.getValue() + ".json"))
            .toList());
  }

  private MonitorView view(Monitor m) {
    return view(m, m.slug() == null ? null : reads.pingKey(m.organizationId()));
  }

  private MonitorView view(Monitor m, String pingKey) {
    return MonitorView.of(m, secrets, publicUrl.base(), pingKey);
  }

  private static MonitorInput required(MonitorInput input) {
    if (input == null) {
      throw new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "malformed-request",
          "Malformed request",
          "The body is a JSON object: {\"name\", \"kind\", \"period\", \"grace\", ...}.");
    }
    return input;
  }
}
