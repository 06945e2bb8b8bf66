package eu.runlater.jobs;

import static eu.runlater.jobs.JobPausesQueries.*;
import static eu.runlater.jobs.JobsQueries.*;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.executions.Executions;
import eu.runlater.organizations.Caps;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.engine.EngineProperties;
import eu.runlater.platform.engine.TaskEnqueuer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.requests.SealedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes to jobs and their runs ({@link JobReads} reads them). Every change that creates or
 * removes a run does so in the same transaction as the job row, through the engine: an acknowledged
 * create has its task committed, and a failed one leaves neither. An enabled job always has its
 * next scheduled run as a task ({@code pending_task_id}); for cron jobs the engine's claim hook
 * ({@link CronOccurrences}) replaces it with the following occurrence in the transaction that
 * claims it.
 */
@Service
class JobCommands {
  private final JdbcClient jdbc;
  private final NamedParameterJdbcOperations batch;
  private final JobReads reads;
  private final TaskEnqueuer tasks;
  private final SecretBox secrets;
  private final InstantSource clock;
  private final Backoff backoff;
  private final Caps caps;
  private final Executions executions;
  private final JobWorkflowTargets workflows;

  JobCommands(
      JdbcClient jdbc,
      NamedParameterJdbcOperations batch,
      JobReads reads,
      TaskEnqueuer tasks,
      SecretBox secrets,
      InstantSource clock,
      EngineProperties engine,
      Caps caps,
      Executions executions,
      JobWorkflowTargets workflows) {
    this.workflows = workflows;
    this.caps = caps;
    this.executions = executions;
    this.jdbc = jdbc;
    this.batch = batch;
    this.reads = reads;
    this.tasks = tasks;
    this.secrets = secrets;
    this.clock = clock;
    this.backoff = engine.backoff();
  }

  @Transactional
  public Job create(UUID organizationId, JobDraft draft) {
    UUID id = insertAll(List.of(prepare(organizationId, draft))).getFirst().orThrow().job().id();
    return reads.get(organizationId, id);
  }

  /** A new job built and checked against its tier's schedule rules, not yet inserted. */
  record Prepared(Job job, Tier tier) {}

  /**
   * What inserting a prepared job did: the job as inserted with its first run's state as this
   * transaction wrote it ({@link #asInserted}), or the tier's refusal (nothing inserted).
   */
  record Created(JobRows.JobWithState inserted, ApiProblem refused, boolean asPlanned) {
    Created(JobRows.JobWithState inserted, ApiProblem refused) {
      this(inserted, refused, true);
    }

    /** As this one, its first run not left as planned by the insert ({@link #insertAll}). */
    Created moved() {
      return new Created(inserted, refused, false);
    }

    JobRows.JobWithState orThrow() {
      if (refused != null) {
        throw refused;
      }
      return inserted;
    }
  }

  /**
   * A new job's run state as {@code JOB_GET_WITH_STATE} reads it once it committed, unless its
   * target's circuit was open (the task waits {@code held}) or throttled (due later) when the task
   * was inserted: the task a create inserts is the job's only one, {@code ready}, attempt 0, due at
   * its first run; it has no execution yet.
   */
  static JobRows.RunState asInserted(NewTask first) {
    if (first == null) {
      return new JobRows.RunState(null, null, 0, null, null, null, null, null, null, null, false);
    }
    return new JobRows.RunState(
        "ready",
        first.runAt(),
        0,
        first.scheduledFor(),
        first.runAt(),
        null,
        null,
        null,
        null,
        null,
        false);
  }

  /**
   * Builds a new job (id, sealed request) and checks what needs no lock: the tier's shortest
   * interval and the workflow it starts. Needs no transaction.
   */
  Prepared prepare(UUID organizationId, JobDraft draft) {
    return prepare(organizationId, reads.tier(organizationId), draft);
  }

  /** As {@link #prepare(UUID, JobDraft)}, with the organization's tier known already. */
  Prepared prepare(UUID organizationId, Tier tier, JobDraft draft) {
    checkInterval(draft.schedule(), tier);
    workflows.check(organizationId, draft);
    // Microseconds, as PostgreSQL keeps them: the create answers with the job as it built it
    // (JobsApi), which must read as the stored row does.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Job job =
        new Job(
            Ids.v7(now),
            organizationId,
            draft.key(),
            draft.name(),
            draft.schedule() instanceof Schedule.Once once
                ? new Schedule.Once(once.at().truncatedTo(ChronoUnit.MICROS), once.zone())
                : draft.schedule(),
            seal(draft),
            draft.retries(),
            draft.enabled(),
            draft.catchUp(),
            draft.overlap(),
            null,
            now,
            now,
            now);
    return new Prepared(job, tier);
  }

  /**
   * Inserts prepared jobs, in order, with their first runs, in the caller's transaction: one
   * statement for all their tasks and one for all the jobs. A job over its tier's job limit is
   * refused alone (counted under the organization's lock, so concurrent creates cannot overshoot
   * it); a stored-bytes cap or a duplicate key fails the call.
   */
  List<Created> insertAll(List<Prepared> jobs) {
    Map<UUID, Long> room = jobRoom(jobs);
    Map<UUID, Long> bytes = new HashMap<>();
    List<Created> answers = new ArrayList<>(jobs.size());
    List<Job> inserted = new ArrayList<>(jobs.size());
    List<NewTask> firstRuns = new ArrayList<>();
    for (Prepared p : jobs) {
      Job job = p.job();
      Long left = room.get(job.organizationId());
      if (left != null && left <= 0) {
        answers.add(new Created(null, jobLimit(p.tier())));
        continue;
      }
      if (left != null) {
        room.put(job.organizationId(), left - 1);
      }
      bytes.merge(job.organizationId(), bytes(job.request()), Long::sum);
      NewTask first = null;
      if (job.enabled()) {
        first = firstRun(job, p.tier(), job.createdAt());
        firstRuns.add(first);
        job = job.withPendingTask(first.id());
      }
      inserted.add(job);
      answers.add(new Created(new JobRows.JobWithState(job, asInserted(first)), null));
    }
    bytes.forEach((organizationId, added) -> caps.checkRoom(organizationId, 0, added));
    // The jobs before their tasks: a first run already due may be handed to a worker by the
    // insert, and the claim hook, in this transaction, must find its job to make the next run.
    try {
      if (inserted.size() == 1) {
        Job job = inserted.getFirst();
        jdbc.sql(JOB_INSERT).paramSource(params(job, job.createdAt())).update();
      } else if (!inserted.isEmpty()) {
        batch.batchUpdate(
            JOB_INSERT,
            inserted.stream()
                .map(j -> params(j, j.createdAt()))
                .toArray(MapSqlParameterSource[]::new));
      }
    } catch (DuplicateKeyException e) {
      // One job alone names its key; a batch is written again job by job (GroupCommit).
      throw inserted.size() == 1 ? duplicateKey(inserted.getFirst().key()) : e;
    }
    tasks.enqueue(firstRuns);
    for (Job job : inserted) {
      if (!job.enabled()) {
        pauseStarted(job, job.createdAt());
      }
    }
    Set<UUID> moved = notAsPlanned(firstRuns);
    if (!moved.isEmpty()) {
      answers.replaceAll(
          a ->
              a.inserted() != null && moved.contains(a.inserted().job().pendingTaskId())
                  ? a.moved()
                  : a);
    }
    return answers;
  }

  /**
   * The first runs the insert did not leave {@code ready} at their planned time: held (their
   * target's circuit is open), moved later (it is throttled), or handed to a worker already. One
   * statement for a batch, where asking the targets' holds per create was one each.
   */
  private Set<UUID> notAsPlanned(List<NewTask> firstRuns) {
    if (firstRuns.isEmpty()) {
      return Set.of();
    }
    Map<UUID, Instant> planned = new HashMap<>();
    for (NewTask t : firstRuns) {
      planned.put(t.id(), t.runAt());
    }
    // Every run counts as moved until its row is seen as planned (one not found is read back).
    Set<UUID> moved = new HashSet<>(planned.keySet());
    jdbc.sql(TASKS_STATE)
        .param("ids", planned.keySet().toArray(UUID[]::new))
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              Instant runAt = SqlTime.instant(rs, "run_at");
              // PostgreSQL keeps microseconds; a throttle moves a run by seconds.
              if ("ready".equals(rs.getString("state"))
                  && !runAt.isAfter(planned.get(id).plusMillis(1))) {
                moved.remove(id);
              }
            });
    return moved;
  }

  /**
   * How many more jobs each organization with a job limit may have, counted under its lock (taken
   * in organization order, so that two transactions cannot wait for each other): the lock is held
   * to commit, so a concurrent create counts this one's jobs.
   */
  private Map<UUID, Long> jobRoom(List<Prepared> jobs) {
    Map<UUID, Integer> limits = new TreeMap<>();
    for (Prepared p : jobs) {
      Integer limit = p.tier().limits().jobs();
      if (limit != null) {
        limits.put(p.job().organizationId(), limit);
      }
    }
    Map<UUID, Long> room = new HashMap<>();
    limits.forEach(
        (organizationId, limit) -> {
          jdbc.sql(JOB_LIMIT_LOCK)
              .param("org", organizationId.toString())
              .query((rs, n) -> null)
              .list();
          long count =
              jdbc.sql(JOB_COUNT)
                  .param("organization_id", organizationId)
                  .query(Long.class)
                  .single();
          room.put(organizationId, limit - count);
        });
    return room;
  }

  /**
   * Replaces a job's definition. A waiting scheduled run is replaced by one with the new request —
   * at the same time, or, when the schedule changed or the job is resumed, at the schedule's next
   * time from now. A run in progress finishes as it started.
   */
  @Transactional
  public Job update(UUID organizationId, UUID id, JobDraft draft) {
    Job current = lock(organizationId, id);
    Tier tier = reads.tier(organizationId);
    Instant now = clock.instant();
    boolean scheduleChanged = !sameSchedule(current.schedule(), draft.schedule());
    if (scheduleChanged) {
      checkInterval(draft.schedule(), tier);
    }
    workflows.checkChange(organizationId, current, draft);
    Pending removed = removePending(current);
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
            draft.catchUp(),
            draft.overlap(),
            null,
            scheduleChanged ? now : current.scheduleChangedAt(),
            current.createdAt(),
            now);
    caps.checkRoom(organizationId, 0, bytes(updated.request()) - bytes(current.request()));
    NewTask next = null;
    if (draft.enabled()) {
      boolean resumed = !current.enabled();
      if (!scheduleChanged && !resumed && removed != null) {
        next =
            JobTasks.scheduled(
                updated, removed.scheduledFor(), removed.runAt(), tier, backoff, now);
      } else if (scheduleChanged || resumed && !hasRun(current) || updated.cron()) {
        next = firstRun(updated, tier, now);
      }
    }
    updated = updated.withPendingTask(next == null ? null : next.id());
    try {
      jdbc.sql(JOB_UPDATE).paramSource(params(updated, now)).update();
    } catch (DuplicateKeyException e) {
      throw duplicateKey(draft.key());
    }
    // After the job names it as pending: a run already due may be handed to a worker by the
    // insert, and the claim hook, in this transaction, reads the job to make the next run.
    if (next != null) {
      tasks.enqueue(List.of(next));
    }
    if (current.enabled() && !draft.enabled()) {
      pauseStarted(updated, now);
    } else if (!current.enabled() && draft.enabled()) {
      pauseEnded(updated, now);
    }
    return reads.get(organizationId, id);
  }

  /** Enables or disables a job (pausing or resuming its schedule); a no-op when already so. */
  @Transactional
  public Job setEnabled(UUID organizationId, UUID id, boolean enabled) {
    Job job = reads.get(organizationId, id);
    return job.enabled() == enabled
        ? job
        : update(organizationId, id, reads.draftOf(job).withEnabled(enabled));
  }

  /** Deletes a job and its waiting runs; a run in progress finishes and stays in the history. */
  @Transactional
  public void delete(UUID organizationId, UUID id) {
    Job job = lock(organizationId, id);
    tasks.deletePending(organizationId, job.id());
    jdbc.sql(JOB_DELETE).param("organization_id", organizationId).param("id", id).update();
  }

  /** Runs the job now, beside its schedule; returns the new task's id. */
  @Transactional
  public UUID trigger(UUID organizationId, UUID id) {
    Job job = reads.get(organizationId, id);
    Instant now = clock.instant();
    return enqueue(
        JobTasks.manual(job, job.request().toTask(), reads.tier(organizationId), backoff, now));
  }

  /** Sends a stored request again (a retry from the history) on behalf of a job. */
  @Transactional
  public UUID resend(Job job, TaskRequest request) {
    return enqueue(
        JobTasks.manual(job, request, reads.tier(job.organizationId()), backoff, clock.instant()));
  }

  /**
   * A copy of a job, keyless, named "Copy of …", enabled as the original is; except that a copy of
   * a one-time job whose time has passed is set to now and disabled, because cloning yesterday's
   * one-time call must not make that call again at once.
   */
  @Transactional
  public Job copy(UUID organizationId, UUID id) {
    JobDraft original = reads.draftOf(reads.get(organizationId, id));
    Instant now = clock.instant();
    boolean passed = timePassed(original.schedule(), now);
    String name = ("Copy of " + original.name());
    JobDraft copy =
        new JobDraft(
            name.length() > JobValidator.MAX_NAME ? name.substring(0, JobValidator.MAX_NAME) : name,
            null,
            original.request(),
            original.retries(),
            original.schedule() instanceof Schedule.Once once && passed
                ? new Schedule.Once(now, once.zone())
                : original.schedule(),
            original.enabled() && !passed,
            original.catchUp(),
            original.overlap());
    return create(organizationId, copy);
  }

  /** Whether {@code schedule} is a one-time schedule whose time is not after {@code now}. */
  static boolean timePassed(Schedule schedule, Instant now) {
    return schedule instanceof Schedule.Once once && !once.at().isAfter(now);
  }

  /** Takes the job's row lock: edits, deletes and the claim hook serialize on it. */
  Job lock(UUID organizationId, UUID id) {
    return jdbc.sql(JOB_GET_FOR_UPDATE)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> JobRows.job(rs))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("job", id));
  }

  private NewTask firstRun(Job job, Tier tier, Instant now) {
    return switch (job.schedule()) {
      case Schedule.Once once -> JobTasks.scheduled(job, once.at(), once.at(), tier, backoff, now);
      case Schedule.Cron cron -> {
        Instant next = cron.next(now);
        yield JobTasks.scheduled(job, next, next, tier, backoff, now);
      }
    };
  }

  private UUID enqueue(NewTask task) {
    tasks.enqueue(List.of(task));
    return task.id();
  }

  private record Pending(Instant runAt, Instant scheduledFor) {}

  /** Removes the job's waiting scheduled run, if it is waiting (not running). */
  private Pending removePending(Job job) {
    if (job.pendingTaskId() == null) {
      return null;
    }
    return tasks
        .deleteWaiting(job.organizationId(), job.pendingTaskId())
        .map(removed -> new Pending(removed.runAt(), removed.scheduledFor()))
        .orElse(null);
  }

  private boolean hasRun(Job job) {
    return executions.anyFinal(job.organizationId(), job.id());
  }

  private void pauseStarted(Job job, Instant now) {
    jdbc.sql(JOB_PAUSE_START)
        .param("organization_id", job.organizationId())
        .param("job_id", job.id())
        .param("now", SqlTime.ts(now))
        .update();
  }

  private void pauseEnded(Job job, Instant now) {
    jdbc.sql(JOB_PAUSE_END).param("job_id", job.id()).param("now", SqlTime.ts(now)).update();
  }

  static boolean sameSchedule(Schedule a, Schedule b) {
    return switch (a) {
      case Schedule.Once x -> b instanceof Schedule.Once y && x.at().equals(y.at());
      case Schedule.Cron x ->
          b instanceof Schedule.Cron y
              && x.cron().expression().equals(y.cron().expression())
              && x.zone().equals(y.zone());
    };
  }

  private static ApiProblem jobLimit(Tier tier) {
    return new ApiProblem(
        HttpStatus.FORBIDDEN,
        "tier-limit",
        "Tier limit reached",
        "The "
            + tier.code()
            + " tier allows "
            + tier.limits().jobs()
            + " jobs. Delete a job, or upgrade to Pro.");
  }

  private void checkInterval(Schedule schedule, Tier tier) {
    String problem = intervalProblem(schedule, tier, clock.instant());
    if (problem != null) {
      throw new ApiProblem(HttpStatus.FORBIDDEN, "tier-limit", "Tier limit reached", problem);
    }
  }

  /**
   * Why the tier refuses this schedule (it runs more often than the tier allows), or null: one rule
   * for saving a job and for the form's preview, so that the preview warns of what saving would
   * refuse.
   */
  static String intervalProblem(Schedule schedule, Tier tier, Instant now) {
    if (!(schedule instanceof Schedule.Cron cron)) {
      return null;
    }
    Duration shortest = Duration.ofSeconds(tier.limits().minCronIntervalSeconds());
    Duration interval = cron.cron().interval(now, cron.zone());
    if (interval.compareTo(shortest) >= 0) {
      return null;
    }
    return "This schedule runs every "
        + Durations.words(interval)
        + "; the "
        + tier.code()
        + " tier allows at most one run every "
        + Durations.words(shortest)
        + ".";
  }

  private static ApiProblem duplicateKey(String key) {
    return ApiProblem.conflict(
        "duplicate-key",
        "A job with key '"
            + key
            + "' already exists; change it with PUT /api/v1/jobs/key/"
            + key
            + ".");
  }

  private JobRequest seal(JobDraft draft) {
    SealedRequest sealed = SealedRequest.of(secrets, draft.request());
    TaskRequest r = sealed.request();
    return new JobRequest(
        r.url(),
        r.method(),
        r.headers(),
        r.sealedHeaders(),
        sealed.secretHeaderNames(),
        r.body(),
        r.bodySealed(),
        r.timeoutMs());
  }

  /** What a job's request adds to the stored-bytes cap (as the V18 trigger counts it). */
  private static long bytes(JobRequest r) {
    return r.url().getBytes(StandardCharsets.UTF_8).length
        + HeaderCodec.toJson(r.headers()).length()
        + (r.sealedHeaders() == null ? 0 : r.sealedHeaders().length)
        + (r.body() == null ? 0 : r.body().length);
  }

  private static MapSqlParameterSource params(Job job, Instant now) {
    JobRequest r = job.request();
    MapSqlParameterSource p =
        new MapSqlParameterSource()
            .addValue("id", job.id())
            .addValue("organization_id", job.organizationId())
            .addValue("key", job.key())
            .addValue("name", job.name())
            .addValue("schedule_type", job.schedule().type())
            .addValue("run_at", null)
            .addValue("cron_expression", null)
            .addValue("timezone", null)
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
            .addValue("catch_up", job.catchUp().code())
            .addValue("overlap", job.overlap().code())
            .addValue("pending_task_id", job.pendingTaskId())
            .addValue("schedule_changed_at", SqlTime.ts(job.scheduleChangedAt()))
            .addValue("now", SqlTime.ts(now));
    switch (job.schedule()) {
      case Schedule.Once once ->
          p.addValue("run_at", SqlTime.ts(once.at())).addValue("timezone", once.zoneId());
      case Schedule.Cron cron ->
          p.addValue("cron_expression", cron.cron().expression())
              .addValue("timezone", cron.zone().getId());
    }
    return p;
  }
}
