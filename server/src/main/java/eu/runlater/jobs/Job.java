package eu.runlater.jobs;

import java.time.Instant;
import java.util.UUID;

/** A named HTTP request with a schedule, as stored. */
public record Job(
    UUID id,
    UUID organizationId,
    String key,
    String name,
    Schedule schedule,
    JobRequest request,
    int retries,
    boolean enabled,
    UUID pendingTaskId,
    Instant createdAt,
    Instant updatedAt) {}
