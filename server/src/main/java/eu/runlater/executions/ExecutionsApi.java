package eu.runlater.executions;

import eu.runlater.engine.SecretBox;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The history of attempts: one in detail, and sending one again. A producer lists its own
 * executions ({@code /api/v1/jobs/{id}/executions}), through {@link Executions}.
 */
@RestController
@Tag(name = "Executions")
class ExecutionsApi {
  private final Executions executions;
  private final SecretBox secrets;
  private final ExecutionRetries retries;

  ExecutionsApi(Executions executions, SecretBox secrets, ExecutionRetries retries) {
    this.executions = executions;
    this.secrets = secrets;
    this.retries = retries;
  }

  record Retried(UUID executionId, UUID taskId) {}

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
