package eu.runlater.jobs;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.TaskRequest;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.engine.Priorities;
import java.time.Duration;
import java.time.Instant;

/** Builds the engine tasks of a job's runs. */
final class JobTasks {
  static final String SOURCE_KIND = "job";

  private JobTasks() {}

  /** A scheduled run: a one-time job's run, or a cron occurrence. */
  static NewTask scheduled(
      Job job, Instant scheduledFor, Instant runAt, Tier tier, Backoff backoff, Instant now) {
    return task(
        job, job.request().toTask(), priority(job, tier, now), scheduledFor, runAt, backoff, now);
  }

  /** A run asked for now (trigger, or a retry from the history). */
  static NewTask manual(Job job, TaskRequest request, Tier tier, Backoff backoff, Instant now) {
    return task(
        job, request, Priorities.of(tier == Tier.PRO, Priorities.MANUAL), now, now, backoff, now);
  }

  private static NewTask task(
      Job job,
      TaskRequest request,
      int priority,
      Instant scheduledFor,
      Instant runAt,
      Backoff backoff,
      Instant now) {
    return new NewTask(
        Ids.v7(now),
        job.organizationId(),
        SOURCE_KIND,
        job.id(),
        priority,
        runAt.isBefore(now) ? now : runAt,
        scheduledFor,
        job.retries() + 1,
        backoff,
        request);
  }

  /** Short-interval crons before long ones; one-time jobs last; pro before free. */
  static int priority(Job job, Tier tier, Instant now) {
    int kind = Priorities.ONE_TIME;
    if (job.schedule() instanceof Schedule.Cron cron) {
      Duration interval = cron.cron().interval(now, cron.zone());
      kind =
          interval.compareTo(Duration.ofMinutes(1)) <= 0
              ? Priorities.CRON_MINUTE
              : interval.compareTo(Duration.ofHours(1)) <= 0
                  ? Priorities.CRON_HOUR
                  : Priorities.CRON_LONG;
    }
    return Priorities.of(tier == Tier.PRO, kind);
  }
}
