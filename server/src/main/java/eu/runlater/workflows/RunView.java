package eu.runlater.workflows;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A run as the API shows it: its state and each step's, in definition order — the data of a
 * waterfall.
 *
 * @param state running, succeeded, failed or cancelled
 * @param error why it failed or was cancelled
 */
record RunView(
    UUID id,
    String workflow,
    int version,
    String state,
    JsonNode input,
    String error,
    Instant createdAt,
    Instant finishedAt,
    Long durationMs,
    @Schema(
            description =
                "What started the run: kind api_key (with key_prefix), user (the dashboard), event,"
                    + " job or message (with execution_id: the delivery attempt that started it) or"
                    + " workflow_run (the parent of a sub-workflow); id, name and link (its"
                    + " dashboard page) of that. Null when unknown, and in lists.")
        StartedBy startedBy,
    List<StepView> steps) {

  /**
   * What started a run (in lists: left out, null); null too when nothing is known (a start by hand
   * from before this was recorded, or by a key or user since deleted).
   *
   * @param kind {@code api_key} ({@code POST /api/v1/workflows/{key}/runs}), {@code user} (Start on
   *     the dashboard), {@code event} (a trigger of {@code POST /api/v1/events}), {@code job} (an
   *     occurrence of a job whose target is the workflow), {@code message} (a queue message to the
   *     workflow) or {@code workflow_run} (a parent run: this is its sub-workflow)
   * @param id the API key's, user's, event's, job's, message's or parent run's id
   * @param name the API key's name, the user's email, the event's name, the job's name, the
   *     message's queue, the parent run's workflow (null when it was deleted)
   * @param keyPrefix {@code api_key}: its public part ({@code pk_live_…})
   * @param executionId {@code job}, {@code message}: the delivery attempt that started the run
   *     ({@code GET /api/v1/executions/{id}})
   * @param link its page in the dashboard, if it has one
   */
  record StartedBy(
      String kind, UUID id, String name, String keyPrefix, UUID executionId, String link) {}

  /**
   * One step of a run.
   *
   * @param state pending, running, succeeded, failed, skipped or cancelled
   * @param startedAt when it started (its task was made, or its condition evaluated)
   * @param attempts HTTP attempts made (a retry from failure adds to them)
   * @param output http: {status, headers, body}; condition: {result}
   * @param decision condition: {expression, result, chosen, not_chosen}; skipped: {reason}
   * @param executionId the history entry of its last attempt (GET /api/v1/executions/{id})
   */
  record StepView(
      String name,
      String kind,
      List<String> dependsOn,
      String state,
      Instant startedAt,
      Instant finishedAt,
      Long durationMs,
      int attempts,
      JsonNode output,
      JsonNode decision,
      String error,
      UUID executionId) {}
}
