package eu.runlater.engine;

import java.time.Instant;
import java.util.UUID;

/**
 * A task this node holds a lease on. {@code leaseToken} fences the attempt: its completion is
 * accepted only while the task still carries this token.
 *
 * @param attempt this attempt's number, counting every claim (rescued ones included)
 * @param rescues how many earlier attempts were lost with their lease
 * @param held what held this attempt back past its due time, or null (see {@link Held})
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
    TaskRequest request,
    Held held) {

  /**
   * What held a task back before this attempt, as the task recorded it and its execution row keeps
   * it: why the attempt started after its time.
   *
   * @param by {@link #HOST_CIRCUIT} (its target's circuit was open), {@link #HOST_THROTTLE} (its
   *     target asked to slow down) or {@link #NODE_LOST} (an earlier attempt was lost with its
   *     node, and the task rescued)
   * @param since when the hold began for this task (never before its own due time)
   * @param until when it ended, or null if it had not when the attempt was claimed
   * @param note the target ({@link HostKey}) of a host hold, the node an earlier attempt was lost
   *     with
   */
  public record Held(String by, Instant since, Instant until, String note) {
    public static final String HOST_CIRCUIT = "host_circuit";
    public static final String HOST_THROTTLE = "host_throttle";
    public static final String NODE_LOST = "node_lost";
  }

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
        request,
        held);
  }

  /** The same task held by {@code held} (the rescuer reports a lost attempt's own hold). */
  public ClaimedTask withHeld(Held held) {
    return new ClaimedTask(
        id,
        organizationId,
        sourceKind,
        sourceId,
        priority,
        runAt,
        scheduledFor,
        attempt,
        maxAttempts,
        rescues,
        leaseToken,
        leaseExpiresAt,
        backoff,
        request,
        held);
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
        request,
        held);
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
