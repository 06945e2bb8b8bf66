package eu.runlater.jobs;

import static eu.runlater.jobs.JobsQueries.*;

import eu.runlater.accounts.Tier;
import eu.runlater.engine.Backoff;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.TaskRequest;
import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.engine.db.SqlTime;
import eu.runlater.platform.engine.EngineProperties;
import eu.runlater.platform.engine.Priorities;
import eu.runlater.platform.engine.TaskEnqueuer;
import eu.runlater.platform.errors.ApiProblem;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Jobs and their runs. Every change that creates or removes a run does so in the same transaction
 * as the job row, through the engine's {@link Tasks}: an acknowledged create has its task
 * committed, and a failed one leaves neither.
 */
@Service
public class Jobs {
  static final String SOURCE_KIND = "job";

  private final JdbcClient jdbc;
  private final TaskEnqueuer tasks;
  private final SecretBox secrets;
  private final InstantSource clock;
  private final Backoff backoff;

  Jobs(
      JdbcClient jdbc,
      TaskEnqueuer tasks,
      SecretBox secrets,
      InstantSource clock,
      EngineProperties engine) {
    this.jdbc = jdbc;
    this.tasks = tasks;
    this.secrets = secrets;
    this.clock = clock;
    this.backoff = engine.backoff();
  }

  @Transactional
  public Job create(UUID organizationId, JobDraft draft) {
    Tier tier = tier(organizationId);
    Integer limit = tier.limits().jobs();
    if (limit != null) {
      long count =
          jdbc.sql(JOB_COUNT).param("organization_id", organizationId).query(Long.class).single();
      if (count >= limit) {
        throw new ApiProblem(
            HttpStatus.FORBIDDEN,
            "tier-limit",
            "Tier limit reached",
            "The "
                + tier.code()
                + " tier allows "
                + limit
                + " jobs. Delete a job, or upgrade to Pro.");
      }
    }
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    JobRequest request = seal(draft);
    UUID taskId = null;
    Job job =
        new Job(
            id,
            organizationId,
            draft.key(),
            draft.name(),
            draft.schedule(),
            request,
            draft.retries(),
            draft.enabled(),
            null,
            now,
            now);
    try {
      jdbc.sql(JOB_INSERT).paramSource(params(job, now)).update();
    } catch (DuplicateKeyException e) {
      throw ApiProblem.conflict(
          "duplicate-key",
          "A job with key '"
              + draft.key()
              + "' already exists; change it with PATCH /api/v1/jobs/{id}.");
    }
    if (draft.enabled()) {
      taskId = schedule(job, tier, ((Schedule.Once) draft.schedule()).at());
      setPendingTask(organizationId, id, taskId);
    }
    return get(organizationId, id);
  }

  /**
   * Replaces a job's definition. Its waiting scheduled run (if any) is replaced by one with the new
   * request, at the new time if the schedule changed; a run in progress finishes as it started. A
   * job whose run is over is armed again only by a new schedule.
   */
  @Transactional
  public Job update(UUID organizationId, UUID id, JobDraft draft) {
    Job current =
        jdbc.sql(JOB_GET_FOR_UPDATE)
            .param("organization_id", organizationId)
            .param("id", id)
            .query((rs, n) -> JobRows.job(rs))
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("job", id));
    Instant now = clock.instant();
    Instant newAt = ((Schedule.Once) draft.schedule()).at();
    Instant oldAt = ((Schedule.Once) current.schedule()).at();
    boolean rescheduled = !newAt.equals(oldAt);
    Instant pendingRunAt = removePending(current);
    Job updated =
        new Job(
            id,
            organizationId,
            draft.key(),
            draft.name(),
            draft.schedule(),
            seal(draft),
            draft.retries(),
            draft.enabled(),
            null,
            current.createdAt(),
            now);
    UUID taskId = null;
    if (draft.enabled() && (rescheduled || pendingRunAt != null)) {
      taskId = schedule(updated, tier(organizationId), rescheduled ? newAt : pendingRunAt);
    }
    Job withTask =
        new Job(
            updated.id(),
            updated.organizationId(),
            updated.key(),
            updated.name(),
            updated.schedule(),
            updated.request(),
            updated.retries(),
            updated.enabled(),
            taskId,
            updated.createdAt(),
            updated.updatedAt());
    try {
      jdbc.sql(JOB_UPDATE).paramSource(params(withTask, now)).update();
    } catch (DuplicateKeyException e) {
      throw ApiProblem.conflict(
          "duplicate-key", "Another job already has the key '" + draft.key() + "'.");
    }
    return get(organizationId, id);
  }

  /** Deletes a job and its waiting runs; a run in progress finishes and stays in the history. */
  @Transactional
  public void delete(UUID organizationId, UUID id) {
    Job job = get(organizationId, id);
    tasks.deletePending(organizationId, job.id());
    jdbc.sql(JOB_DELETE).param("organization_id", organizationId).param("id", id).update();
  }

  /** Runs the job now, beside its schedule; returns the new task's id. */
  @Transactional
  public UUID trigger(UUID organizationId, UUID id) {
    Job job = get(organizationId, id);
    return enqueue(
        job, job.request().toTask(), Priorities.MANUAL, tier(organizationId), clock.instant());
  }

  /** Sends a stored request again (a retry from the history) on behalf of a job. */
  @Transactional
  public UUID resend(UUID organizationId, UUID jobId, TaskRequest request) {
    Job job = get(organizationId, jobId);
    return enqueue(job, request, Priorities.MANUAL, tier(organizationId), clock.instant());
  }

  public Job get(UUID organizationId, UUID id) {
    return find(organizationId, id).orElseThrow(() -> ApiProblem.notFound("job", id));
  }

  public java.util.Optional<Job> find(UUID organizationId, UUID id) {
    return jdbc.sql(JOB_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> JobRows.job(rs))
        .optional();
  }

  JobRows.JobWithState getWithState(UUID organizationId, UUID id) {
    return jdbc.sql(JOB_GET_WITH_STATE)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> new JobRows.JobWithState(JobRows.job(rs), JobRows.state(rs)))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("job", id));
  }

  /** Filters for {@link #list}. Nulls match everything. */
  record Filter(Boolean enabled, String scheduleType, String key, String query) {}

  List<JobRows.JobWithState> list(UUID organizationId, Filter filter, UUID cursor, int limit) {
    String q =
        filter.query() == null
            ? null
            : filter.query().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return jdbc.sql(JOB_LIST)
        .param("organization_id", organizationId)
        .param("cursor", cursor)
        .param("enabled", filter.enabled())
        .param("schedule_type", filter.scheduleType())
        .param("key", filter.key())
        .param("q", q)
        .param("limit", limit)
        .query((rs, n) -> new JobRows.JobWithState(JobRows.job(rs), JobRows.state(rs)))
        .list();
  }

  /** The clear-text input a job was made from, for merging a PATCH into. */
  JobDraft draftOf(Job job) {
    TaskRequest request = job.request().toTask();
    return new JobDraft(
        job.name(),
        job.key(),
        job.request().url(),
        job.request().method(),
        SealedRequests.openHeaders(secrets, request),
        new java.util.LinkedHashSet<>(job.request().secretHeaderNames()),
        SealedRequests.openBody(secrets, request),
        job.request().bodySealed(),
        job.request().timeoutMs(),
        job.retries(),
        job.schedule(),
        job.enabled());
  }

  private Instant removePending(Job job) {
    if (job.pendingTaskId() == null) {
      return null;
    }
    // Only a waiting run is replaced; one in progress finishes under the old definition.
    return jdbc.sql(
            "DELETE FROM tasks WHERE id = :id AND organization_id = :organization_id"
                + " AND state = 'ready' RETURNING run_at")
        .param("id", job.pendingTaskId())
        .param("organization_id", job.organizationId())
        .query((rs, n) -> SqlTime.instant(rs, "run_at"))
        .optional()
        .orElse(null);
  }

  private UUID schedule(Job job, Tier tier, Instant at) {
    return enqueue(job, job.request().toTask(), Priorities.ONE_TIME, tier, at);
  }

  private UUID enqueue(Job job, TaskRequest request, int kind, Tier tier, Instant at) {
    Instant now = clock.instant();
    Instant runAt = at.isBefore(now) ? now : at;
    UUID taskId = Ids.v7(now);
    NewTask task =
        new NewTask(
            taskId,
            job.organizationId(),
            SOURCE_KIND,
            job.id(),
            Priorities.of(tier == Tier.PRO, kind),
            runAt,
            at,
            job.retries() + 1,
            backoff,
            request);
    tasks.enqueue(List.of(task));
    return taskId;
  }

  private void setPendingTask(UUID organizationId, UUID jobId, UUID taskId) {
    jdbc.sql("UPDATE jobs SET pending_task_id = :task WHERE organization_id = :org AND id = :id")
        .param("task", taskId)
        .param("org", organizationId)
        .param("id", jobId)
        .update();
  }

  private JobRequest seal(JobDraft draft) {
    TaskRequest sealed =
        SealedRequests.seal(
            secrets,
            draft.url(),
            draft.method(),
            draft.headers(),
            draft.secretHeaders(),
            draft.body(),
            draft.secretBody(),
            draft.timeoutMs());
    return new JobRequest(
        sealed.url(),
        sealed.method(),
        sealed.headers(),
        sealed.sealedHeaders(),
        draft.headers().stream()
            .map(eu.runlater.engine.http.Header::name)
            .filter(
                n ->
                    SealedRequests.looksSecret(n)
                        || draft.secretHeaders().stream().anyMatch(s -> s.equalsIgnoreCase(n)))
            .toList(),
        sealed.body(),
        sealed.bodySealed(),
        sealed.timeoutMs());
  }

  private Tier tier(UUID organizationId) {
    return Tier.of(
        jdbc.sql(ORGANIZATION_TIER).param("id", organizationId).query(String.class).single());
  }

  private static org.springframework.jdbc.core.namedparam.MapSqlParameterSource params(
      Job job, Instant now) {
    JobRequest r = job.request();
    return new org.springframework.jdbc.core.namedparam.MapSqlParameterSource()
        .addValue("id", job.id())
        .addValue("organization_id", job.organizationId())
        .addValue("key", job.key())
        .addValue("name", job.name())
        .addValue("schedule_type", job.schedule().type())
        .addValue("run_at", SqlTime.ts(((Schedule.Once) job.schedule()).at()))
        .addValue("url", r.url())
        .addValue("method", r.method())
        .addValue("headers", HeaderCodec.toJson(r.headers()))
        .addValue("sealed_headers", r.sealedHeaders())
        .addValue("secret_header_names", r.secretHeaderNames().toArray(new String[0]))
        .addValue("body", r.body())
        .addValue("body_sealed", r.bodySealed())
        .addValue("timeout_ms", r.timeoutMs())
        .addValue("retries", job.retries())
        .addValue("enabled", job.enabled())
        .addValue("pending_task_id", job.pendingTaskId())
        .addValue("now", SqlTime.ts(now));
  }
}
