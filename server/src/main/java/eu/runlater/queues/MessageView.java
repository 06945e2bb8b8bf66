package eu.runlater.queues;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.executions.ExecutionView;
import eu.runlater.platform.requests.Bodies;
import eu.runlater.platform.web.Hold;
import eu.runlater.workflows.WorkflowStarts;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A message as the API shows it: secrets masked, where it stands, and (in detail) every attempt.
 *
 * @param state {@code waiting} (held by its queue: delayed, or waiting for room), {@code queued}
 *     (being delivered, or waiting for a retry), {@code delivered}, {@code failed} (in the
 *     dead-letter list) or {@code cancelled}
 * @param attempts attempts so far over all its deliveries (a redrive adds to them)
 * @param executions newest first, in the detail view only
 * @param runState in the detail view only: the state in the words the dashboard shows
 *     (docs/states.md): scheduled, held, overdue, running, retrying, succeeded, failed, cancelled
 * @param hold in the detail view only, when held or overdue: what holds it (its queue paused, its
 *     parallelism full, its rate, an earlier message of its ordering key, its target's circuit or
 *     throttle, the organization's cap), since and until when if known, and where to act on it
 */
record MessageView(
    UUID id,
    String queue,
    String state,
    @Schema(description = "The URL it is sent to; null when its target is a workflow.") String url,
    @Schema(
            description =
                "Instead of url: the workflow it starts a run of, with body as the input (the"
                    + " attempt's response names the run: {\"run_id\": …}).")
        String workflow,
    String method,
    Map<String, String> headers,
    String body,
    int timeoutMs,
    int retries,
    Instant notBefore,
    String orderingKey,
    String dedupId,
    String callbackUrl,
    String failureCallbackUrl,
    int attempts,
    int redrives,
    String lastStatus,
    Integer lastStatusCode,
    String lastError,
    UUID lastExecutionId,
    Instant createdAt,
    Instant releasedAt,
    Instant finishedAt,
    List<ExecutionView> executions,
    String runState,
    Hold hold) {

  static MessageView of(Message m, SecretBox secrets, List<ExecutionView> executions) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h :
        SealedRequests.maskedHeaders(secrets, m.request().headers(), m.request().sealedHeaders())) {
      headers.put(h.name(), h.value());
    }
    String body = null;
    if (m.request().body() != null) {
      body = m.request().bodySealed() ? SealedRequests.MASK : Bodies.text(m.request().body());
    }
    return new MessageView(
        m.id(),
        m.queueName(),
        m.state(),
        WorkflowStarts.key(m.request().url()).isPresent() ? null : m.request().url(),
        WorkflowStarts.key(m.request().url()).orElse(null),
        m.request().method(),
        headers,
        body,
        m.request().timeoutMs(),
        m.retries(),
        m.notBefore(),
        m.orderingKey(),
        m.dedupId(),
        m.callbackUrl(),
        m.failureCallbackUrl(),
        m.attempts(),
        m.redrives(),
        m.lastStatus(),
        m.lastStatusCode(),
        m.lastError(),
        m.lastExecutionId(),
        m.createdAt(),
        m.releasedAt(),
        m.finishedAt(),
        executions,
        null,
        null);
  }

  /** Where its task goes: the URL, or the workflow's start URL (what a host hold is keyed by). */
  String target() {
    return workflow == null ? url : WorkflowStarts.url(workflow);
  }

  /**
   * This view with where it stands in the dashboard's words, and its attempts counted up to now
   * (the stored count adds a delivery's attempts when it finishes).
   */
  MessageView withRun(String runState, Hold hold, int attempts) {
    return new MessageView(
        id,
        queue,
        state,
        url,
        workflow,
        method,
        headers,
        body,
        timeoutMs,
        retries,
        notBefore,
        orderingKey,
        dedupId,
        callbackUrl,
        failureCallbackUrl,
        attempts,
        redrives,
        lastStatus,
        lastStatusCode,
        lastError,
        lastExecutionId,
        createdAt,
        releasedAt,
        finishedAt,
        executions,
        runState,
        hold);
  }
}
