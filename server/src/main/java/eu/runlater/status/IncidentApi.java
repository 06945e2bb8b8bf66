package eu.runlater.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Status incidents and scheduled maintenance (what status pages show), told by updates. Not the
 * alert incidents of /api/v1/alert-incidents.
 */
@RestController
@RequestMapping("/api/v1/incidents")
@Tag(name = "Status pages")
class IncidentApi {
  static final String FIELDS =
      "kind: incident (default) or maintenance; title; impact: none, minor, major or critical;"
          + " status: investigating, identified, monitoring or resolved for an incident,"
          + " scheduled, in_progress or completed for maintenance; message: the first update's"
          + " text; notify: mail it to the confirmed subscribers of the pages it shows on;"
          + " component_ids: the status page components it affects; maintenance: starts_at and"
          + " ends_at (RFC 3339). Maintenance moves to in_progress at its start and completed at"
          + " its end by itself.";

  private final IncidentBook book;

  IncidentApi(IncidentBook book) {
    this.book = book;
  }

  record IncidentBody(
      String kind,
      String title,
      String impact,
      String status,
      String message,
      @JsonProperty("notify") Boolean notifies,
      List<UUID> componentIds,
      String startsAt,
      String endsAt) {
    IncidentBook.NewIncident input() {
      return new IncidentBook.NewIncident(
          kind,
          title,
          impact,
          status,
          message,
          Boolean.TRUE.equals(notifies),
          componentIds,
          time("starts_at", startsAt),
          time("ends_at", endsAt));
    }
  }

  record UpdateBody(
      String status, String message, String impact, @JsonProperty("notify") Boolean notifies) {}

  record ComponentView(UUID id, String name, UUID pageId, String pageTitle) {}

  record UpdateView(
      UUID id,
      String status,
      String message,
      @JsonProperty("notify") boolean notifies,
      long mailsWaiting,
      Instant createdAt) {}

  record IncidentView(
      UUID id,
      String kind,
      String title,
      String impact,
      String status,
      boolean automatic,
      String subjectKind,
      UUID subjectId,
      Instant startsAt,
      Instant endsAt,
      List<ComponentView> components,
      List<UpdateView> updates,
      Instant createdAt,
      Instant updatedAt,
      Instant resolvedAt) {
    static IncidentView of(IncidentBook.Incident i) {
      return new IncidentView(
          i.id(),
          i.kind(),
          i.title(),
          i.impact(),
          i.status(),
          i.automatic(),
          i.subjectKind(),
          i.subjectId(),
          i.startsAt(),
          i.endsAt(),
          i.components().stream()
              .map(c -> new ComponentView(c.id(), c.name(), c.pageId(), c.pageTitle()))
              .toList(),
          i.updates().stream()
              .map(
                  u ->
                      new UpdateView(
                          u.id(),
                          u.status(),
                          u.body(),
                          u.notifies(),
                          u.mailsWaiting(),
                          u.createdAt()))
              .toList(),
          i.createdAt(),
          i.updatedAt(),
          i.resolvedAt());
    }
  }

  static Instant time(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(field, "must be an RFC 3339 time, e.g. 2026-12-24T18:00:00+01:00");
    }
  }

  @GetMapping
  @Operation(
      summary = "List incidents and maintenance, newest first, with cursor pagination",
      description =
          "kind: incident or maintenance; state: open (not resolved or completed) or resolved."
              + " Each has its affected components and its updates, newest first.")
  Page<IncidentView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    if (kind != null && !kind.equals("incident") && !kind.equals("maintenance")) {
      throw ApiProblem.invalid("kind", "must be incident or maintenance");
    }
    if (state != null && !state.equals("open") && !state.equals("resolved")) {
      throw ApiProblem.invalid("state", "must be open or resolved");
    }
    int n = Page.limit(limit);
    return Page.of(
        book.page(caller.organizationId(), kind, state, Page.cursor(cursor), n + 1),
        n,
        IncidentBook.Incident::id,
        IncidentView::of);
  }

  @PostMapping
  @Operation(summary = "Open an incident or schedule maintenance", description = FIELDS)
  ResponseEntity<IncidentView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody IncidentBody body) {
    IncidentBook.Incident i = book.create(caller.organizationId(), body.input());
    return ResponseEntity.created(URI.create("/api/v1/incidents/" + i.id()))
        .body(IncidentView.of(i));
  }

  @GetMapping("/{id}")
  @Operation(summary = "An incident with its components and updates")
  IncidentView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return book.find(caller.organizationId(), id)
        .map(IncidentView::of)
        .orElseThrow(() -> ApiProblem.notFound("incident", id));
  }

  @PostMapping("/{id}/updates")
  @Operation(
      summary = "Post an update",
      description =
          "message (required); status (the incident moves to it; resolved or completed closes"
              + " it); impact (optional, changes it); notify: mail the update to the confirmed"
              + " subscribers of its pages (queued with the update, sent by every node's mail"
              + " loop, retried while the relay fails).")
  ResponseEntity<IncidentView> post(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody UpdateBody body) {
    IncidentBook.Incident i =
        book.post(
            caller.organizationId(),
            id,
            new IncidentBook.NewUpdate(
                body.status(),
                body.message(),
                body.impact(),
                Boolean.TRUE.equals(body.notifies())));
    return ResponseEntity.status(HttpStatus.CREATED).body(IncidentView.of(i));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete an incident and its updates")
  void delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    book.delete(caller.organizationId(), id);
  }
}
