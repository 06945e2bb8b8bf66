package eu.runlater.alerts;

import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The notification log: every alert message handed to a channel, and how its delivery went. */
@RestController
@RequestMapping("/api/v1/alert-notifications")
@Tag(name = "Alert notifications")
class NotificationsApi {
  static final Set<String> STATUSES = Set.of("pending", "retrying", "delivered", "failed");
  static final Set<String> KINDS =
      Set.of("alert", "recovery", "reminder", "digest", "test", "notice");
  private final NotificationLog log;

  NotificationsApi(NotificationLog log) {
    this.log = log;
  }

  /** One notification with every attempt, oldest first. */
  record Detail(
      NotificationLog.Notification notification, List<NotificationLog.Attempt> attempts) {}

  @GetMapping
  @Operation(
      summary = "List notifications, newest first, with cursor pagination and filters",
      description =
          "status: pending (no attempt yet), retrying (the last attempt failed, another is due),"
              + " delivered, failed (retries ran out). kind: alert, recovery, reminder, digest,"
              + " test, notice (something waits for people: an approval).")
  Page<NotificationLog.Notification> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(name = "channel_id", required = false) UUID channelId,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String status,
      @RequestParam(name = "incident_id", required = false) UUID incidentId) {
    int n = Page.limit(limit);
    if (status != null && !STATUSES.contains(status)) {
      throw ApiProblem.invalid("status", "is pending, retrying, delivered or failed");
    }
    if (kind != null && !KINDS.contains(kind)) {
      throw ApiProblem.invalid("kind", "is alert, recovery, reminder, digest, test or notice");
    }
    var rows =
        log.list(
            caller.organizationId(),
            new NotificationLog.Filter(channelId, kind, status, incidentId),
            Page.cursor(cursor),
            n + 1);
    return Page.of(rows, n, NotificationLog.Notification::id, r -> r);
  }

  @GetMapping("/{id}")
  @Operation(summary = "A notification, what it said, and every attempt with the target's answer")
  Detail get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    NotificationLog.Notification notification =
        log.find(caller.organizationId(), id)
            .orElseThrow(() -> ApiProblem.notFound("notification", id));
    return new Detail(notification, log.attempts(caller.organizationId(), id));
  }
}
