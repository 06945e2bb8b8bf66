package eu.runlater.workflows;

import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** One workflow run: its waterfall of steps; cancel; retry from the failed step. */
@RestController
@RequestMapping("/api/v1/workflow-runs")
@Tag(name = "Workflows")
class WorkflowRunsApi {
  private final RunCommands runs;

  WorkflowRunsApi(RunCommands runs) {
    this.runs = runs;
  }

  @GetMapping("/{id}")
  @Operation(
      summary = "A run and its steps",
      description =
          "What started it (started_by: an API key, a dashboard user, an event, a job's"
              + " occurrence, a queue message or a parent run) and each step with state, start,"
              + " finish, duration, attempts, output ({status, headers, body} for http), the"
              + " condition's decision and the reason a step was skipped.")
  RunView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return runs.get(caller.organizationId(), id);
  }

  @PostMapping("/{id}/cancel")
  @Operation(
      summary = "Cancel a running or queued run",
      description =
          "Pending steps never start, waiting tasks are removed; a request already in flight"
              + " is waited for: the run answers cancelling and becomes cancelled when it ends"
              + " (on_cancel: finish, the default), or the step is abandoned and the run cancelled"
              + " at once (on_cancel: abandon). A queued run is cancelled before it starts. 409 when"
              + " the run has ended. Cancelling a cancelling run abandons what it waits for.")
  RunView cancel(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id)
      throws SQLException {
    return runs.cancel(caller.organizationId(), id);
  }

  @PostMapping("/{id}/retry")
  @Operation(
      summary = "Retry a failed or cancelled run from where it stopped",
      description =
          "Succeeded steps keep their outputs; failed and cancelled steps run again. 409 when the"
              + " run is running or succeeded.")
  RunView retry(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id)
      throws SQLException {
    return runs.retry(caller.organizationId(), id);
  }
}
