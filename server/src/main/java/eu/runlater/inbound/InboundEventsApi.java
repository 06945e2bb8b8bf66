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

  InboundEventsApi(EventReads reads) {
    this.reads = reads;
  }

  @GetMapping
  @Operation(
      summary = "List received requests, newest first, with cursor pagination",
      description =
          "Filters: source_id, status (accepted, duplicate, rejected), since and until (RFC 3339,"
              + " on the time received).")
  Page<EventView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(name = "source_id", required = false) UUID sourceId,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String until) {
    int n = Page.limit(limit);
    if (status != null && !STATUSES.contains(status)) {
      throw ApiProblem.invalid("status", "must be accepted, duplicate or rejected");
    }
    var filter =
        new EventReads.Filter(sourceId, status, instant("since", since), instant("until", until));
    var rows = reads.list(caller.organizationId(), filter, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, EventView::id, e -> e);
  }

  @GetMapping("/{id}")
  @Operation(
      summary = "A received request: method, path, query, headers, body, verification result")
  EventView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return reads.get(caller.organizationId(), id);
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
