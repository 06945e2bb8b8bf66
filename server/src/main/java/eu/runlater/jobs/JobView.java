package eu.runlater.jobs;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
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
    Policies.CatchUp catchUp,
    Policies.Overlap overlap,
    String status,
    Instant nextRunAt,
    LastExecution lastExecution,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * @param at a one-time job's time
   * @param expression a cron job's expression
   * @param timezone a cron job's zone; a one-time job's when its time was given in one
   * @param description a cron expression in words
   */
  record ScheduleView(
      String type, Instant at, String expression, String timezone, String description) {
    static ScheduleView of(Schedule schedule) {
      return switch (schedule) {
        case Schedule.Once once -> new ScheduleView("once", once.at(), null, once.zoneId(), null);
        case Schedule.Cron cron ->
            new ScheduleView(
                "cron",
                null,
                cron.cron().expression(),
                cron.zone().getId(),
                cron.cron().describe());
      };
    }
  }

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
    return new JobView(
        job.id(),
        job.key(),
        job.name(),
        ScheduleView.of(job.schedule()),
        job.request().url(),
        job.request().method(),
        headers,
        job.request().secretHeaderNames(),
        body,
        job.request().bodySealed(),
        job.request().timeoutMs(),
        job.retries(),
        job.enabled(),
        job.catchUp(),
        job.overlap(),
        status(job, state),
        state.nextRunAt(),
        last,
        job.createdAt(),
        job.updatedAt());
  }

  private static String status(Job job, JobRows.RunState state) {
    if ("running".equals(state.taskState())) {
      return "running";
    }
    if (!job.enabled()) {
      return "paused";
    }
    if ("ready".equals(state.taskState())) {
      return state.taskAttempt() > 0 ? "retrying" : "scheduled";
    }
    if (state.lastStatus() != null && state.lastFinal()) {
      return "success".equals(state.lastStatus()) ? "succeeded" : "failed";
    }
    return "idle";
  }

  /** The body as text when it is UTF-8, else base64 with a prefix saying so. */
  static String text(byte[] body) {
    return eu.runlater.platform.requests.Bodies.text(body);
  }
}
