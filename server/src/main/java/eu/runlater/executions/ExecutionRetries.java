package eu.runlater.executions;

import eu.runlater.engine.TaskRequest;
import eu.runlater.jobs.Jobs;
import eu.runlater.platform.errors.ApiProblem;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Sends an execution's stored request again, now, as a new run of its job (API and pages). */
@Component
class ExecutionRetries {
  private final Executions executions;
  private final Jobs jobs;

  ExecutionRetries(Executions executions, Jobs jobs) {
    this.executions = executions;
    this.jobs = jobs;
  }

  /** Returns the new task's id; 404 for another organization's execution, 409 when not possible. */
  UUID retry(UUID organizationId, UUID executionId) {
    Execution e = executions.get(organizationId, executionId);
    if (!"job".equals(e.sourceKind())) {
      throw ApiProblem.conflict(
          "not-retryable", "Only job executions can be retried from the history yet.");
    }
    if (jobs.find(organizationId, e.sourceId()).isEmpty()) {
      throw ApiProblem.conflict(
          "job-deleted", "The job of this execution was deleted; create it again to run it.");
    }
    Execution.Request r = e.request();
    // The request as first stored, without the headers Runlater added to that attempt.
    var headers =
        r.headers().stream()
            .filter(h -> !h.name().toLowerCase(Locale.ROOT).startsWith("webhook-"))
            .filter(h -> !h.name().toLowerCase(Locale.ROOT).startsWith("runlater-"))
            .filter(h -> !h.name().equalsIgnoreCase("user-agent"))
            .filter(h -> !h.name().equalsIgnoreCase("traceparent"))
            .toList();
    int timeoutMs = jobs.get(organizationId, e.sourceId()).request().timeoutMs();
    return jobs.resend(
        organizationId,
        e.sourceId(),
        new TaskRequest(
            r.url(), r.method(), headers, r.sealedHeaders(), r.body(), r.bodySealed(), timeoutMs));
  }
}
