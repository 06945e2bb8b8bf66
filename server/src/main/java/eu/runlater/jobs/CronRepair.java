package eu.runlater.jobs;

import static eu.runlater.jobs.JobsQueries.JOBS_CRON_WITHOUT_PENDING;
import static eu.runlater.jobs.JobsQueries.JOB_SET_PENDING;
import static eu.runlater.jobs.JobsQueries.TASK_EXISTS;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.Engine;
import eu.runlater.engine.NewTask;
import eu.runlater.platform.engine.EngineProperties;
import eu.runlater.platform.engine.TaskEnqueuer;
import eu.runlater.platform.errors.ApiProblem;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The leader's check that every enabled cron job has its next run waiting. A cron job lives on as a
 * chain: the transaction that claims occurrence N makes N+1 its pending task ({@link
 * CronOccurrences}), so a job whose pending task is gone is never run again, silently, while it
 * shows as enabled. No path is known to break a chain today; until 2026-12-05 one did (a job
 * inserted after its first occurrence's task, when that occurrence was already due: {@code
 * JobCommands#insertAll}), and the jobs it broke stay broken until edited. Every minute this finds
 * such jobs and gives each its next occurrence from now, as a resume does, with a warning that
 * names the job; the occurrences lost meanwhile are not made up.
 *
 * <p>Each repair locks the job's row and looks again, in its own transaction: an edit, a pause or a
 * claim that made the job a pending run meanwhile wins, and nothing is created twice.
 */
@Component
class CronRepair extends eu.runlater.platform.BackgroundLoop {
  static final Duration INTERVAL = Duration.ofMinutes(1);

  /** The most jobs one pass repairs; the next pass takes the rest. */
  static final int BATCH = 500;

  private static final Logger log = LoggerFactory.getLogger(CronRepair.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final JobCommands commands;
  private final JobReads reads;
  private final TaskEnqueuer tasks;
  private final Engine engine;
  private final Backoff backoff;
  private final InstantSource clock;

  CronRepair(
      JdbcClient jdbc,
      TransactionTemplate tx,
      JobCommands commands,
      JobReads reads,
      TaskEnqueuer tasks,
      Engine engine,
      EngineProperties properties,
      InstantSource clock) {
    super("runlater-cron-repair", "Checking that every cron job has its next run");
    this.jdbc = jdbc;
    this.tx = tx;
    this.commands = commands;
    this.reads = reads;
    this.tasks = tasks;
    this.engine = engine;
    this.backoff = properties.backoff();
    this.clock = clock;
  }

  /** A job given its next occurrence. */
  record Repaired(UUID organizationId, UUID jobId, Instant next) {}

  /** One pass: the jobs it repaired. */
  List<Repaired> runOnce() {
    List<Repaired> repaired = new ArrayList<>();
    List<JobRef> broken =
        jdbc.sql(JOBS_CRON_WITHOUT_PENDING)
            .param("batch", BATCH)
            .query((rs, n) -> new JobRef(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
            .list();
    for (JobRef job : broken) {
      Optional<Instant> next = tx.execute(status -> repair(job));
      if (next != null && next.isPresent()) {
        repaired.add(new Repaired(job.organizationId(), job.id(), next.get()));
        log.warn(
            "Cron job {} of organization {} had no next run waiting; its next is at {}",
            job.id(),
            job.organizationId(),
            next.get());
      }
    }
    return repaired;
  }

  private record JobRef(UUID organizationId, UUID id) {}

  /**
   * The job's next occurrence from now, made its pending run; empty when it needs none (deleted,
   * paused, no longer a cron job, its pending run there after all, or a schedule that never fires
   * again).
   */
  private Optional<Instant> repair(JobRef ref) {
    Job job;
    try {
      job = commands.lock(ref.organizationId(), ref.id());
    } catch (ApiProblem deleted) {
      return Optional.empty();
    }
    if (!job.enabled() || !(job.schedule() instanceof Schedule.Cron cron) || pendingExists(job)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant next = cron.next(now);
    if (next == null) {
      return Optional.empty();
    }
    NewTask task =
        JobTasks.scheduled(job, next, next, reads.tier(job.organizationId()), backoff, now);
    jdbc.sql(JOB_SET_PENDING).param("id", job.id()).param("pending_task_id", task.id()).update();
    // After the job names it, as in an edit: a claim in this transaction reads the job.
    tasks.enqueue(List.of(task));
    return Optional.of(next);
  }

  private boolean pendingExists(Job job) {
    return job.pendingTaskId() != null
        && jdbc.sql(TASK_EXISTS).param("id", job.pendingTaskId()).query(Boolean.class).single();
  }

  @Override
  protected void loop() {
    repeat(INTERVAL, engine::isLeader, this::runOnce);
  }
}
