package eu.runlater.executions;

import eu.runlater.engine.SealedRequests;
import eu.runlater.platform.errors.ApiProblem;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Sends an execution's stored request again, now, as a new run of its source (API and pages). */
@Component
class ExecutionRetries {
  static final String NOTHING_SENT =
      "A missed or skipped run sent no request; use Run now on the job instead.";

  private final Executions executions;
  private final ExecutionSources sources;

  ExecutionRetries(Executions executions, ExecutionSources sources) {
    this.executions = executions;
    this.sources = sources;
  }

  /**
   * Whether {@code e} has a request to send again: an attempt of a source that can resend. Missed,
   * skipped and cancelled occurrences (attempt 0) are recorded without headers or body, so
   * resending one would send a different request from the source's.
   */
  boolean retryable(Execution e) {
    return sources.of(e) != null && e.attempt() > 0;
  }

  /** Returns the new task's id; 404 for another organization's execution, 409 when not possible. */
  UUID retry(UUID organizationId, UUID executionId) {
    Execution e = executions.get(organizationId, executionId);
    ExecutionSource source = sources.of(e);
    if (source == null) {
      throw ApiProblem.conflict(
          "not-retryable", "Only job executions can be retried from the history yet.");
    }
    if (!retryable(e)) {
      throw ApiProblem.conflict("nothing-sent", NOTHING_SENT);
    }
    Execution.Request r = e.request();
    // The request as first stored, without the headers Runlater added to that attempt.
    var headers =
        r.headers().stream().filter(h -> !SealedRequests.addedPerAttempt(h.name())).toList();
    return source.resend(
        organizationId,
        e.sourceId(),
        new Execution.Request(
            r.url(), r.method(), headers, r.sealedHeaders(), r.body(), r.bodySealed()));
  }
}
