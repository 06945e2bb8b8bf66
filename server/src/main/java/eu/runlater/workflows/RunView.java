package eu.runlater.workflows;

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
    List<StepView> steps) {

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
