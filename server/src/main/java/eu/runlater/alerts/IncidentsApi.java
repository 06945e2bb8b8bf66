package eu.runlater.alerts;

import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Incidents: one per failing subject and condition, from its first failure to its recovery. */
@RestController
@RequestMapping("/api/v1/alert-incidents")
@Tag(name = "Alert rules")
class IncidentsApi {
  private static final Set<String> KINDS =
      Set.of("job", "queue", "monitor", "workflow", "organization");

  private final Incidents incidents;

  IncidentsApi(Incidents incidents) {
    this.incidents = incidents;
  }

  @GetMapping
  @Operation(
      summary = "List incidents, newest first, with cursor pagination",
      description =
          "state: open (counting or alerted) or closed; subject_kind: job, queue, monitor or"
              + " organization; subject_id. Each has its condition (failing, depth,"
              + " oldest_waiting, usage_80, usage_100), the last status code, error and response"
              + " snippet, and whether its alert was told (announced).")
  Page<Incidents.Record> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) String state,
      @RequestParam(name = "subject_kind", required = false) String subjectKind,
      @RequestParam(name = "subject_id", required = false) UUID subjectId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    if (state != null && !state.equals("open") && !state.equals("closed")) {
      throw ApiProblem.invalid("state", "must be open or closed");
    }
    if (subjectKind != null && !KINDS.contains(subjectKind)) {
      throw ApiProblem.invalid(
          "subject_kind", "must be job, queue, monitor, workflow or organization");
    }
    int n = Page.limit(limit);
    var rows =
        incidents.page(
            caller.organizationId(), state, subjectKind, subjectId, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, Incidents.Record::id, r -> r);
  }

  @GetMapping("/{id}")
  @Operation(summary = "An incident")
  Incidents.Record get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return incidents
        .find(caller.organizationId(), id)
        .orElseThrow(() -> ApiProblem.notFound("incident", id));
  }
}
