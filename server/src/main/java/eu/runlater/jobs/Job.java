package eu.runlater.jobs;

import java.time.Instant;
import java.util.UUID;

/** A named HTTP request with a schedule, as stored. */
record Job(
    UUID id,
    UUID organizationId,
    String key,
    String name,
    Schedule schedule,
    JobRequest request,
    int retries,
    boolean enabled,
    Policies.CatchUp catchUp,
    Policies.Overlap overlap,
    UUID pendingTaskId,
    Instant scheduleChangedAt,
    Instant createdAt,
    Instant updatedAt) {

  public boolean cron() {
    return schedule instanceof Schedule.Cron;
  }

  public Job withPendingTask(UUID taskId) {
    return new Job(
        id,
        organizationId,
        key,
        name,
        schedule,
        request,
        retries,
        enabled,
        catchUp,
        overlap,
        taskId,
        scheduleChangedAt,
        createdAt,
        updatedAt);
  }
}
