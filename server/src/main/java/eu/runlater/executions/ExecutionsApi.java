package eu.runlater.executions;

import eu.runlater.engine.SecretBox;
import eu.runlater.jobs.Jobs;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The history of attempts: per job, one in detail, and sending one again. */
@RestController
@Tag(name = "Executions")
class ExecutionsApi {
  static final Set<String> STATUSES =
      Set.of("success", "failed", "timeout", "blocked", "lost", "missed", "skipped", "cancelled");

  private final Executions executions;
  private final Jobs jobs;
  private final SecretBox secrets;
  private final ExecutionRetries retries;

  ExecutionsApi(Executions executions, Jobs jobs, SecretBox secrets, ExecutionRetries retries) {
    this.executions = executions;
    this.jobs = jobs;
    this.secrets = secrets;
    this.retries = retries;
  }

  record Retried(UUID executionId, UUID taskId) {}

  @GetMapping("/api/v1/jobs/{id}/executions")
  @Operation(summary = "A job's executions, newest first")
  Page<ExecutionView> listForJob(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String status) {
    jobs.get(caller.organizationId(), id);
    if (status != null && !STATUSES.contains(status)) {
      throw ApiProblem.invalid("status", "must be one of " + String.join(", ", STATUSES));
    }
    int n = Page.limit(limit);
    var rows =
        executions.listBySource(caller.organizationId(), id, status, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, Execution::id, ExecutionView::summary);
  }

  @GetMapping("/api/v1/executions/{id}")
  @Operation(summary = "One execution: timing, request (secrets masked), response, attempt chain")
  ExecutionView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    Execution e = executions.get(caller.organizationId(), id);
    return ExecutionView.detail(
        e, executions.attemptsOf(caller.organizationId(), e.taskId()), secrets);
  }

  @PostMapping("/api/v1/executions/{id}/retry")
  @Operation(summary = "Send this execution's request again, now, as a new run of its job")
  ResponseEntity<Retried> retry(
      @AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    UUID taskId = retries.retry(caller.organizationId(), id);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Retried(id, taskId));
  }
}
