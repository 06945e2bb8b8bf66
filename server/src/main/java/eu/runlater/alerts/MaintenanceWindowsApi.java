package eu.runlater.alerts;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Maintenance windows: quiet times during which nothing alerts. */
@RestController
@RequestMapping("/api/v1/maintenance-windows")
@Tag(name = "Alert rules")
class MaintenanceWindowsApi {
  static final String FIELDS =
      "name; one-off: starts_at and ends_at (RFC 3339, end after start); recurring: cron (5"
          + " fields), time_zone (IANA, e.g. Europe/Oslo) and duration_seconds (60-604800). A start"
          + " that DST skips happens at the first instant after the gap; one it repeats, once.";

  private final MaintenanceWindows windows;

  MaintenanceWindowsApi(MaintenanceWindows windows) {
    this.windows = windows;
  }

  record WindowBody(
      String name,
      String startsAt,
      String endsAt,
      String cron,
      String timeZone,
      Integer durationSeconds) {

    MaintenanceWindows.WindowInput input() {
      return new MaintenanceWindows.WindowInput(
          name,
          time("starts_at", startsAt),
          time("ends_at", endsAt),
          cron == null || cron.isBlank() ? null : cron,
          timeZone,
          durationSeconds == null ? null : Duration.ofSeconds(durationSeconds));
    }

    private static Instant time(String field, String text) {
      if (text == null || text.isBlank()) {
        return null;
      }
      try {
        return OffsetDateTime.parse(text.strip()).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiProblem.invalid(field, "must be an RFC 3339 time, e.g. 2026-12-24T18:00:00+01:00");
      }
    }
  }

  record WindowView(
      UUID id,
      String name,
      Instant startsAt,
      Instant endsAt,
      String cron,
      String timeZone,
      Long durationSeconds,
      Instant nextStart,
      boolean activeNow,
      Instant createdAt) {
    static WindowView of(MaintenanceWindows.Window w) {
      return new WindowView(
          w.id(),
          w.name(),
          w.startsAt(),
          w.endsAt(),
          w.cron(),
          w.timeZone(),
          w.duration() == null ? null : w.duration().toSeconds(),
          w.nextStart(),
          w.activeNow(),
          w.createdAt());
    }
  }

  @GetMapping
  @Operation(summary = "List maintenance windows, with when each next starts and whether it is on")
  List<WindowView> list(@AuthenticationPrincipal ApiPrincipal caller) {
    return windows.list(caller.organizationId()).stream().map(WindowView::of).toList();
  }

  @PostMapping
  @Operation(summary = "Create a maintenance window", description = FIELDS)
  ResponseEntity<WindowView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody WindowBody body) {
    MaintenanceWindows.Window w = windows.create(caller.organizationId(), body.input());
    return ResponseEntity.created(URI.create("/api/v1/maintenance-windows/" + w.id()))
        .body(WindowView.of(w));
  }

  @GetMapping("/{id}")
  @Operation(summary = "A maintenance window")
  WindowView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return windows
        .find(caller.organizationId(), id)
        .map(WindowView::of)
        .orElseThrow(() -> ApiProblem.notFound("maintenance window", id));
  }

  @PutMapping("/{id}")
  @Operation(summary = "Replace a maintenance window", description = FIELDS)
  WindowView replace(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody WindowBody body) {
    return WindowView.of(windows.replace(caller.organizationId(), id, body.input()));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a maintenance window")
  void delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    windows.delete(caller.organizationId(), id);
  }
}
