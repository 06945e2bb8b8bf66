package eu.runlater.jobs;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.hosts.Holds;
import eu.runlater.platform.web.Hold;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job as the API shows it: secrets masked, and its run state in the words of docs/states.md —
 * {@code scheduled} (a run waits for its time), {@code held} (its time has come and a named hold
 * keeps it: {@code hold} says which), {@code overdue} (due over 30 s ago, no hold known), {@code
 * running}, {@code retrying} (a failed attempt waits for its retry), {@code paused} (disabled), or,
 * with nothing planned, the last run's outcome ({@code succeeded}, {@code failed}) or {@code idle}.
 */
record JobView(
    UUID id,
    String key,
    String name,
    ScheduleView schedule,
    @Schema(description = "The URL each run calls; null when the target is a workflow.") String url,
    @Schema(
            description =
                "Instead of url: each run starts a run of this workflow with this input (the"
                    + " attempt's response names the run: {\"run_id\": …}).")
        JobInput.WorkflowTarget workflow,
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
    @Schema(
            description =
                "The job's state: scheduled (its next run waits for its time), held (its time has"
                    + " come and something named holds it, see hold), overdue (due more than 30 s"
                    + " ago, no hold known: waiting for a worker), running, retrying (a failed"
                    + " attempt waits for its retry), paused (disabled); with nothing planned, the"
                    + " last run's outcome: succeeded or failed, else idle.",
            allowableValues = {
              "scheduled",
              "held",
              "overdue",
              "running",
              "retrying",
              "paused",
              "succeeded",
              "failed",
              "idle"
            })
        String status,
    @Schema(
            description =
                "Why a held or overdue run has not started: kind (host_circuit, host_throttle,"
                    + " organization_cap, backlog), summary, detail, since, until (the next probe"
                    + " or the end of a throttle) and href (the dashboard page to act on it); null"
                    + " otherwise.")
        Hold hold,
    @Schema(description = "When the held or overdue run was due; null otherwise.") Instant dueAt,
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
    return of(row, secrets, null);
  }

  /**
   * @param holds the organization's holds as read for this page or answer, to say why a due run has
   *     not started; null to leave that unsaid
   */
  static JobView of(JobRows.JobWithState row, SecretBox secrets, Holds.Lookup holds) {
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
    Hold hold = hold(job, state, holds);
    JobInput.WorkflowTarget workflow =
        JobWorkflowTargets.target(
            job.request().url(),
            job.request().body(),
            tools.jackson.databind.json.JsonMapper.shared());
    if (workflow != null) {
      headers.clear();
      body = null;
    }
    return new JobView(
        job.id(),
        job.key(),
        job.name(),
        ScheduleView.of(job.schedule()),
        workflow == null ? job.request().url() : null,
        workflow,
        workflow == null ? job.request().method() : null,
        headers,
        job.request().secretHeaderNames(),
        body,
        job.request().bodySealed(),
        job.request().timeoutMs(),
        job.retries(),
        job.enabled(),
        job.catchUp(),
        job.overlap(),
        status(job, state, hold),
        hold,
        hold == null ? null : dueAt(state),
        state.nextRunAt(),
        last,
        job.createdAt(),
        job.updatedAt());
  }

  /** What keeps the job's waiting run from starting though its time has come, or null. */
  private static Hold hold(Job job, JobRows.RunState state, Holds.Lookup holds) {
    if (holds == null || !job.enabled() || dueAt(state) == null) {
      return null;
    }
    boolean held = "held".equals(state.taskState());
    // Held by the engine: the target's hold says why, whether or not the run's time has come (the
    // engine holds a host's waiting runs when its circuit opens, those not yet due included).
    Hold hold = holds.explain(job.request().url(), held ? null : dueAt(state));
    if (hold == null && held) {
      // The engine holds it, and the lookup (read a moment apart) no longer knows why.
      return Hold.of("host_circuit", "Held: its target's circuit is open");
    }
    return hold;
  }

  /**
   * When the job's waiting run was due: a retry when its backoff ends, a first attempt at its
   * planned time (the engine may have moved its start later: a throttle's end, a probe's time).
   * Null when no run waits.
   */
  private static Instant dueAt(JobRows.RunState state) {
    if (!"ready".equals(state.taskState()) && !"held".equals(state.taskState())) {
      return null;
    }
    if (state.taskAttempt() > 0 || state.taskScheduledFor() == null) {
      return state.taskRunAt();
    }
    return state.taskScheduledFor();
  }

  private static String status(Job job, JobRows.RunState state, Hold hold) {
    if ("running".equals(state.taskState())) {
      return "running";
    }
    if (!job.enabled()) {
      return "paused";
    }
    if (hold != null) {
      return "backlog".equals(hold.kind()) ? "overdue" : "held";
    }
    if ("held".equals(state.taskState())) {
      return "held";
    }
    if ("ready".equals(state.taskState())) {
      return state.taskAttempt() > 0 ? "retrying" : "scheduled";
    }
    if (state.lastStatus() != null && state.lastFinal()) {
      return "success".equals(state.lastStatus()) ? "succeeded" : "failed";
    }
    return "idle";
  }

  /**
   * The one state the dashboard shows for the job (docs/states.md): its run's, {@code paused}, or
   * {@code idle} when nothing is planned — the last run's outcome then shows beside it, not instead
   * of it.
   */
  public String state() {
    return "succeeded".equals(status) || "failed".equals(status) ? "idle" : status;
  }

  /** Whether its waiting run's time has come and it has not started (held or overdue). */
  public boolean late() {
    return hold != null;
  }

  /** The body as text when it is UTF-8, else base64 with a prefix saying so. */
  static String text(byte[] body) {
    return eu.runlater.platform.requests.Bodies.text(body);
  }
}
