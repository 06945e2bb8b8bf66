package eu.runlater.jobs;

import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionStatuses;
import eu.runlater.executions.ExecutionView;
import eu.runlater.executions.Executions;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A job's history, read through the execution history's API. */
@RestController
@Tag(name = "Executions")
class JobExecutionsApi {
  private final JobReads jobs;
  private final Executions executions;

  JobExecutionsApi(JobReads jobs, Executions executions) {
    this.jobs = jobs;
    this.executions = executions;
  }

  @GetMapping("/api/v1/jobs/{id}/executions")
  @Operation(summary = "A job's executions, newest first")
  Page<ExecutionView> listForJob(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String status) {
    jobs.get(caller.organizationId(), id);
    if (status != null && !ExecutionStatuses.ALL.contains(status)) {
      throw ApiProblem.invalid(
          "status", "must be one of " + String.join(", ", ExecutionStatuses.ALL));
    }
    int n = Page.limit(limit);
    var rows =
        executions.listBySource(caller.organizationId(), id, status, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, Execution::id, ExecutionView::summary);
  }
}
