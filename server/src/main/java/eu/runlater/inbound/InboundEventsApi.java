package eu.runlater.inbound;

import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The requests the sources' hosted URLs received. */
@RestController
@RequestMapping("/api/v1/inbound-events")
@Tag(name = "Inbound events")
class InboundEventsApi {
  private static final Set<String> STATUSES =
      Set.of(InboundEvents.ACCEPTED, InboundEvents.DUPLICATE, InboundEvents.REJECTED);

  private final EventReads reads;
  private final Replays replays;

  InboundEventsApi(EventReads reads, Replays replays) {
    this.reads = reads;
    this.replays = replays;
  }

  @GetMapping
  @Operation(
      summary = "List received requests, newest first, with cursor pagination",
      description =
          "Filters: source_id, status (accepted, duplicate, rejected), since and until (RFC 3339,"
              + " on the time received), q (text the body or a header holds).")
  Page<EventView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(name = "source_id", required = false) UUID sourceId,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String until,
      @RequestParam(required = false) String q) {
    int n = Page.limit(limit);
    var filter = filter("", sourceId, status, since, until, q);
    var rows = reads.list(caller.organizationId(), filter, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, EventView::id, e -> e);
  }

  @GetMapping("/{id}")
  @Operation(
      summary = "A received request: method, path, query, headers, body, verification result")
  EventView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return reads.get(caller.organizationId(), id);
  }

  /** Which requests to replay: {connection_id?} (default: every connection of the source). */
  record ReplayOne(UUID connectionId) {}

  @PostMapping("/{id}/replay")
  @Operation(
      summary = "Forward a received request again",
      description =
          "Over every connection of its source, or only connection_id; new forwards beside the"
              + " old ones (a paused connection holds it). 409 for a rejected request.")
  EventView replay(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody(required = false) ReplayOne request) {
    replays.one(caller.organizationId(), id, request == null ? null : request.connectionId());
    return reads.get(caller.organizationId(), id);
  }

  /**
   * @param filter which requests: source_id, status (accepted or duplicate), since, until, q
   * @param connectionId only over this connection (default: every connection of each source)
   * @param dryRun only count them
   * @param ratePerSecond how fast their forwards start (default 10/s)
   */
  record ReplayRequest(
      ReplayFilter filter, UUID connectionId, Boolean dryRun, Integer ratePerSecond) {}

  record ReplayFilter(UUID sourceId, String status, String since, String until, String q) {}

  @PostMapping("/replay")
  @Operation(
      summary = "Forward every received request matching a filter again",
      description =
          "dry_run: true counts them first. Oldest first; starts are spaced by rate_per_second"
              + " (default 10) so a replay cannot flood a destination; at most 1,000 per call and"
              + " at most what the key's rate limit holds (one unit per request): call again for"
              + " the rest. Rejected requests are never replayed.")
  Replays.Result replayMatching(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody ReplayRequest request) {
    ReplayFilter f =
        request.filter() == null
            ? new ReplayFilter(null, null, null, null, null)
            : request.filter();
    return replays.matching(
        caller.organizationId(),
        filter("filter.", f.sourceId(), f.status(), f.since(), f.until(), f.q()),
        request.connectionId(),
        Boolean.TRUE.equals(request.dryRun()),
        request.ratePerSecond());
  }

  private static EventReads.Filter filter(
      String prefix, UUID sourceId, String status, String since, String until, String q) {
    if (status != null && !STATUSES.contains(status)) {
      throw ApiProblem.invalid(prefix + "status", "must be accepted, duplicate or rejected");
    }
    return new EventReads.Filter(
        sourceId,
        status,
        instant(prefix + "since", since),
        instant(prefix + "until", until),
        q == null || q.isEmpty() ? null : q);
  }

  private static Instant instant(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(field, "must be an RFC 3339 UTC time, such as 2026-12-03T08:00:00Z");
    }
  }
}
