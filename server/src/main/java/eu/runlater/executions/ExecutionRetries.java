package eu.runlater.executions;

import eu.runlater.engine.TaskRequest;
import eu.runlater.jobs.Job;
import eu.runlater.jobs.Jobs;
import eu.runlater.platform.errors.ApiProblem;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Sends an execution's stored request again, now, as a new run of its job (API and pages). */
@Component
class ExecutionRetries {
  static final String NOTHING_SENT =
      "A missed or skipped run sent no request; use Run now on the job instead.";

  private final Executions executions;
  private final Jobs jobs;

  ExecutionRetries(Executions executions, Jobs jobs) {
    this.executions = executions;
    this.jobs = jobs;
  }

  /**
   * Whether {@code e} has a request to send again: a job's attempt. Missed, skipped and cancelled
   * occurrences (attempt 0) are recorded without headers or body, so resending one would send a
   * different request from the job's.
   */
  static boolean retryable(Execution e) {
    return "job".equals(e.sourceKind()) && e.attempt() > 0;
  }

  /** Returns the new task's id; 404 for another organization's execution, 409 when not possible. */
  UUID retry(UUID organizationId, UUID executionId) {
    Execution e = executions.get(organizationId, executionId);
    if (!"job".equals(e.sourceKind())) {
      throw ApiProblem.conflict(
          "not-retryable", "Only job executions can be retried from the history yet.");
    }
    if (!retryable(e)) {
      throw ApiProblem.conflict("nothing-sent", NOTHING_SENT);
    }
    Job job =
        jobs.find(organizationId, e.sourceId())
            .orElseThrow(
                () ->
                    ApiProblem.conflict(
                        "job-deleted",
                        "The job of this execution was deleted; create it again to run it."));
    Execution.Request r = e.request();
    // The request as first stored, without the headers Runlater added to that attempt.
    var headers =
        r.headers().stream()
            .filter(h -> !h.name().toLowerCase(Locale.ROOT).startsWith("webhook-"))
            .filter(h -> !h.name().toLowerCase(Locale.ROOT).startsWith("runlater-"))
            .filter(h -> !h.name().equalsIgnoreCase("user-agent"))
            .filter(h -> !h.name().equalsIgnoreCase("traceparent"))
            .toList();
    return jobs.resend(
        job,
        new TaskRequest(
            r.url(),
            r.method(),
            headers,
            r.sealedHeaders(),
            r.body(),
            r.bodySealed(),
            job.request().timeoutMs()));
  }
}
