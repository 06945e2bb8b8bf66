package eu.runlater.jobs;

import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.engine.http.Header;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job as the API shows it: secrets masked, and its run state — {@code scheduled} (a run waits),
 * {@code running}, {@code retrying} (a failed attempt waits for its retry), {@code succeeded} or
 * {@code failed} (the last run's outcome), {@code paused}, or {@code idle}.
 */
record JobView(
    UUID id,
    String key,
    String name,
    ScheduleView schedule,
    String url,
    String method,
    Map<String, String> headers,
    List<String> secretHeaders,
    String body,
    boolean secretBody,
    int timeoutMs,
    int retries,
    boolean enabled,
    String status,
    Instant nextRunAt,
    LastExecution lastExecution,
    Instant createdAt,
    Instant updatedAt) {

  record ScheduleView(String type, Instant at) {}

  record LastExecution(
      UUID id, String status, Integer statusCode, Instant startedAt, Instant finishedAt) {}

  static JobView of(JobRows.JobWithState row, SecretBox secrets) {
    Job job = row.job();
    JobRows.RunState state = row.state();
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h :
        SealedRequests.maskedHeaders(
            secrets, job.request().headers(), job.request().sealedHeaders())) {
      headers.put(h.name(), h.value());
    }
    String body = null;
    if (job.request().body() != null) {
      body = job.request().bodySealed() ? SealedRequests.MASK : text(job.request().body());
    }
    LastExecution last =
        state.lastId() == null
            ? null
            : new LastExecution(
                state.lastId(),
                state.lastStatus(),
                state.lastStatusCode(),
                state.lastStartedAt(),
                state.lastFinishedAt());
    Instant at = ((Schedule.Once) job.schedule()).at();
    return new JobView(
        job.id(),
        job.key(),
        job.name(),
        new ScheduleView(job.schedule().type(), at),
        job.request().url(),
        job.request().method(),
        headers,
        job.request().secretHeaderNames(),
        body,
        job.request().bodySealed(),
        job.request().timeoutMs(),
        job.retries(),
        job.enabled(),
        status(job, state),
        "ready".equals(state.taskState()) ? state.taskRunAt() : null,
        last,
        job.createdAt(),
        job.updatedAt());
  }

  private static String status(Job job, JobRows.RunState state) {
    if ("running".equals(state.taskState())) {
      return "running";
    }
    if ("ready".equals(state.taskState())) {
      return state.taskAttempt() > 0 ? "retrying" : "scheduled";
    }
    if (!job.enabled()) {
      return "paused";
    }
    if (state.lastStatus() != null && state.lastFinal()) {
      return "success".equals(state.lastStatus()) ? "succeeded" : "failed";
    }
    return "idle";
  }

  /** The body as text when it is UTF-8, else base64 with a prefix saying so. */
  static String text(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return "base64:" + java.util.Base64.getEncoder().encodeToString(body);
    }
  }
}
