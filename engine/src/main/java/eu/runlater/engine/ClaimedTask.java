package eu.runlater.engine;

import java.time.Instant;
import java.util.UUID;

/**
 * A task this node holds a lease on. {@code leaseToken} fences the attempt: its completion is
 * accepted only while the task still carries this token.
 *
 * @param attempt this attempt's number, counting every claim (rescued ones included)
 * @param rescues how many earlier attempts were lost with their lease
 */
public record ClaimedTask(
    UUID id,
    UUID organizationId,
    String sourceKind,
    UUID sourceId,
    int priority,
    Instant runAt,
    Instant scheduledFor,
    int attempt,
    int maxAttempts,
    int rescues,
    long leaseToken,
    Instant leaseExpiresAt,
    Backoff backoff,
    TaskRequest request) {

  /** The same task with another due time (the rescuer reports a lost attempt's own). */
  public ClaimedTask withRunAt(Instant at) {
    return new ClaimedTask(
        id,
        organizationId,
        sourceKind,
        sourceId,
        priority,
        at,
        scheduledFor,
        attempt,
        maxAttempts,
        rescues,
        leaseToken,
        leaseExpiresAt,
        backoff,
        request);
  }

  /** The same task standing for another planned time (a cron catch-up runs the latest). */
  public ClaimedTask withScheduledFor(Instant at) {
    return new ClaimedTask(
        id,
        organizationId,
        sourceKind,
        sourceId,
        priority,
        runAt,
        at,
        attempt,
        maxAttempts,
        rescues,
        leaseToken,
        leaseExpiresAt,
        backoff,
        request);
  }

  /** Attempts that ended in a failure so far, this one included if it fails. */
  public int failuresIfThisFails() {
    return attempt - rescues;
  }

  /** Whether a failure of this attempt leaves room for a retry. */
  public boolean canRetry() {
    return failuresIfThisFails() < maxAttempts;
  }
}
