package eu.runlater.jobs;

import static eu.runlater.jobs.JobsQueries.*;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.ClaimHook;
import eu.runlater.engine.ClaimedTask;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskEvent;
import eu.runlater.organizations.Tier;
import eu.runlater.organizations.UsageMeter;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.engine.EngineProperties;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * Cron without a ticking loop: in the transaction that claims occurrence N of a cron job, this hook
 * makes occurrence N+1 the job's pending task. It also applies the job's policies there:
 *
 * <ul>
 *   <li><b>catch-up</b> — when later occurrences have passed too (every node was down), {@code
 *       latest} runs the most recent once and records the rest as {@code missed}; {@code none}
 *       records all as missed; {@code all} runs each (the latest 100 at most) one after another.
 *   <li><b>overlap</b> — when a previous run of the job is still in flight, {@code forbid} records
 *       this occurrence as {@code skipped}; {@code replace} cancels the running attempt (recorded
 *       as {@code cancelled}) and runs this one; {@code allow} runs both.
 * </ul>
 *
 * <p>The swap to N+1 is conditional on N still being the pending occurrence, so an edit that
 * replaced the schedule at the same moment wins and nothing is created twice.
 */
@Component
class CronOccurrences implements ClaimHook {
  /** Missed occurrences recorded one by one; beyond this, one entry sums up the rest. */
  static final int MISSED_RECORDED = 1_000;

  /** The most occurrences {@code catch_up: all} runs after an outage. */
  static final int CATCH_UP_ALL = 100;

  private final Backoff backoff;
  private final boolean enforceQuotas;

  CronOccurrences(
      EngineProperties engine,
      @org.springframework.beans.factory.annotation.Value("${runlater.quotas.enforce:false}")
          boolean enforceQuotas) {
    this.backoff = engine.backoff();
    this.enforceQuotas = enforceQuotas;
  }

  private record CronJob(Job job, Tier tier) {}

  @Override
  public List<ClaimedTask> onClaimed(Claim claim) throws SQLException {
    // One JdbcClient over the claim's connection for the meter and the occurrences alike.
    JdbcClient sql = ConnectionSql.on(claim.connection());
    UsageMeter usage = new UsageMeter(sql, claim.now(), enforceQuotas);
    List<ClaimedTask> deliver = occurrences(sql, claim, usage);
    usage.flush();
    return deliver;
  }

  private List<ClaimedTask> occurrences(JdbcClient sql, Claim claim, UsageMeter usage)
      throws SQLException {
    List<UUID> jobIds = new ArrayList<>();
    for (ClaimedTask t : claim.tasks()) {
      if (JobTasks.SOURCE_KIND.equals(t.sourceKind()) && t.sourceId() != null) {
        jobIds.add(t.sourceId());
      }
    }
    if (jobIds.isEmpty()) {
      claim.tasks().forEach(t -> usage.charge(t.organizationId()));
      return claim.tasks();
    }
    Map<UUID, CronJob> jobs = new HashMap<>();
    for (CronJob j :
        sql.sql(CRON_JOBS_OF_CLAIM)
            .param("ids", uuids(jobIds))
            .query((rs, n) -> new CronJob(JobRows.job(rs), Tier.of(rs.getString("tier"))))
            .list()) {
      jobs.put(j.job().id(), j);
    }
    if (jobs.isEmpty()) {
      claim.tasks().forEach(t -> usage.charge(t.organizationId()));
      return claim.tasks();
    }
    Map<UUID, List<Running>> running = runningOthers(sql, claim, jobs);

    List<ClaimedTask> deliver = new ArrayList<>(claim.tasks().size());
    List<ClaimedTask> dropped = new ArrayList<>();
    Map<UUID, NewTask> following = new java.util.LinkedHashMap<>();
    Map<UUID, UUID> swapFrom = new HashMap<>();
    List<TaskEvent> events = new ArrayList<>();
    List<UUID> cancel = new ArrayList<>();
    Map<UUID, Running> cancelling = new HashMap<>();
    List<ClaimedTask> early = new ArrayList<>();
    List<Instant> earlyAt = new ArrayList<>();
    for (ClaimedTask task : claim.tasks()) {
      CronJob cronJob = task.sourceId() == null ? null : jobs.get(task.sourceId());
      if (cronJob == null || !task.id().equals(cronJob.job().pendingTaskId())) {
        deliver.add(task); // not a scheduled occurrence: a trigger, a retry, a one-time run
        usage.charge(task.organizationId());
        continue;
      }
      Job job = cronJob.job();
      Schedule.Cron cron = (Schedule.Cron) job.schedule();
      Plan plan = plan(job, cron, task.scheduledFor(), claim.now(), events);

      if (plan.run() != null) {
        List<Running> inFlight = running.getOrDefault(job.id(), List.of());
        if (!inFlight.isEmpty() && task.runAt().isAfter(claim.now())) {
          // Claimed ahead (the engine's lookahead) while a run is in flight: whether that run still
          // overlaps is known only at this occurrence's instant. Back to ready, due then, and
          // judged by the claim at its time; the job's pending occurrence stays this one.
          early.add(task);
          earlyAt.add(task.runAt());
          continue;
        }
        if (!inFlight.isEmpty() && job.overlap() == Policies.Overlap.FORBID) {
          events.add(
              event(
                  job,
                  task.id(),
                  TaskEvent.SKIPPED,
                  plan.run(),
                  "skipped: the previous run is still in flight (overlap: forbid)"));
          dropped.add(task);
        } else if (!usage.allow(job.organizationId(), cronJob.tier())) {
          events.add(
              event(
                  job,
                  task.id(),
                  TaskEvent.SKIPPED,
                  plan.run(),
                  "over quota: the "
                      + cronJob.tier().code()
                      + " tier allows "
                      + cronJob.tier().limits().requestsPerMonth()
                      + " requests a month"));
          dropped.add(task);
        } else {
          if (!inFlight.isEmpty() && job.overlap() == Policies.Overlap.REPLACE) {
            for (Running r : inFlight) {
              cancel.add(r.taskId());
              cancelling.put(r.taskId(), r);
            }
          }
          if (!plan.run().equals(task.scheduledFor())) {
            claim.engine().setScheduledFor(claim.connection(), task.id(), plan.run());
          }
          deliver.add(task.withScheduledFor(plan.run()));
        }
      } else {
        dropped.add(task);
      }

      if (plan.next() == null) {
        continue; // the schedule has no further date (within five years)
      }
      following.put(
          job.id(),
          JobTasks.scheduled(job, plan.next(), plan.next(), cronJob.tier(), backoff, claim.now()));
      swapFrom.put(job.id(), task.id());
    }
    List<NewTask> next = swapPending(sql, following, swapFrom);

    List<UUID> cancelled = claim.engine().cancelRunning(claim.connection(), cancel);
    for (UUID id : cancelled) {
      Running r = cancelling.get(id);
      events.add(
          event(
              jobs.get(r.jobId()).job(),
              id,
              TaskEvent.CANCELLED,
              r.scheduledFor(),
              "cancelled: a newer occurrence replaced this run (overlap: replace)"));
    }
    claim.engine().deferClaimed(claim.connection(), early, earlyAt);
    claim.engine().deleteClaimed(claim.connection(), dropped);
    claim.engine().insert(claim.connection(), next);
    claim.engine().recordEvents(claim.connection(), events, claim.node());
    return deliver;
  }

  /**
   * Moves each job's pending occurrence from the one claimed to its successor, in one statement;
   * returns the successors to insert (those of jobs whose pending occurrence had not been replaced
   * meanwhile).
   */
  private static List<NewTask> swapPending(
      JdbcClient sql, Map<UUID, NewTask> following, Map<UUID, UUID> swapFrom) {
    if (following.isEmpty()) {
      return List.of();
    }
    List<UUID> ids = new ArrayList<>(following.keySet());
    List<UUID> swapped =
        sql.sql(JOB_PENDING_SWAP)
            .param("ids", uuids(ids))
            .param("nexts", uuids(ids.stream().map(id -> following.get(id).id()).toList()))
            .param("claimed", uuids(ids.stream().map(swapFrom::get).toList()))
            .query((rs, n) -> rs.getObject(1, UUID.class))
            .list();
    List<NewTask> next = new ArrayList<>(swapped.size());
    for (UUID id : swapped) {
      next.add(following.get(id));
    }
    return next;
  }

  /**
   * What to do with an occurrence claimed at {@code now}: which planned time to run (null for none)
   * and which occurrence comes next, recording missed ones into {@code events}.
   */
  record Plan(Instant run, Instant next) {}

  static Plan plan(
      Job job, Schedule.Cron cron, Instant occurrence, Instant now, List<TaskEvent> events) {
    List<Instant> later = new ArrayList<>();
    for (Instant t = cron.next(occurrence); t != null && !t.isAfter(now); t = cron.next(t)) {
      later.add(t);
    }
    if (later.isEmpty()) {
      return new Plan(occurrence, cron.next(occurrence));
    }
    List<Instant> backlog = new ArrayList<>(later.size() + 1);
    backlog.add(occurrence);
    backlog.addAll(later);
    Instant last = backlog.getLast();
    return switch (job.catchUp()) {
      case LATEST -> {
        missed(job, backlog.subList(0, backlog.size() - 1), events, "catch_up: latest");
        yield new Plan(last, cron.next(last));
      }
      case NONE -> {
        missed(job, backlog, events, "catch_up: none");
        yield new Plan(null, cron.next(last));
      }
      case ALL -> {
        int first = Math.max(0, backlog.size() - CATCH_UP_ALL);
        missed(
            job,
            backlog.subList(0, first),
            events,
            "catch_up: all, beyond the latest " + CATCH_UP_ALL);
        Instant run = backlog.get(first);
        yield new Plan(run, first + 1 < backlog.size() ? backlog.get(first + 1) : cron.next(run));
      }
    };
  }

  private static void missed(Job job, List<Instant> times, List<TaskEvent> events, String policy) {
    int n = times.size();
    for (int i = 0; i < Math.min(n, MISSED_RECORDED); i++) {
      events.add(
          event(
              job,
              eu.runlater.engine.Ids.v7(Instant.now()),
              TaskEvent.MISSED,
              times.get(i),
              "missed: its time passed before the job's earlier run started; no node was"
                  + " running, or its host or the organization's cap held that run ("
                  + policy
                  + ")"));
    }
    if (n > MISSED_RECORDED) {
      Instant from = times.get(MISSED_RECORDED);
      Instant to = times.getLast();
      events.add(
          event(
              job,
              eu.runlater.engine.Ids.v7(Instant.now()),
              TaskEvent.MISSED,
              to,
              "missed: "
                  + (n - MISSED_RECORDED)
                  + " more occurrences from "
                  + from
                  + " to "
                  + to
                  + " ("
                  + policy
                  + ")"));
    }
  }

  private static TaskEvent event(
      Job job, UUID taskId, String status, Instant scheduledFor, String reason) {
    return new TaskEvent(
        job.organizationId(),
        taskId,
        JobTasks.SOURCE_KIND,
        job.id(),
        status,
        scheduledFor,
        reason,
        job.request().url(),
        job.request().method());
  }

  private record Running(UUID taskId, UUID jobId, Instant scheduledFor) {}

  private static Map<UUID, List<Running>> runningOthers(
      JdbcClient sql, Claim claim, Map<UUID, CronJob> jobs) {
    List<UUID> guarded = new ArrayList<>();
    for (CronJob j : jobs.values()) {
      if (j.job().overlap() != Policies.Overlap.ALLOW) {
        guarded.add(j.job().id());
      }
    }
    Map<UUID, List<Running>> running = new HashMap<>();
    if (guarded.isEmpty()) {
      return running;
    }
    Set<UUID> claimed = new HashSet<>();
    claim.tasks().forEach(t -> claimed.add(t.id()));
    for (Running r :
        sql.sql(TASKS_RUNNING_OF_JOBS)
            .param("jobs", uuids(guarded))
            .param("claimed", uuids(List.copyOf(claimed)))
            .query(
                (rs, n) ->
                    new Running(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        SqlTime.instant(rs, "scheduled_for")))
            .list()) {
      running.computeIfAbsent(r.jobId(), k -> new ArrayList<>()).add(r);
    }
    return running;
  }

  private static SqlArrayValue uuids(List<UUID> ids) {
    return new SqlArrayValue("uuid", ids.toArray());
  }
}
