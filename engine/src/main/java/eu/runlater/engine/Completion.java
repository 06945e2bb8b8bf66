package eu.runlater.engine;

import java.time.Instant;

/**
 * The result of one attempt, on its way to the database: the task goes away (when {@code retryAt}
 * is null) or back to ready at {@code retryAt}, and the execution is appended, in one transaction,
 * if the attempt still holds its lease.
 *
 * @param host what the attempt says about its target host (see {@link HostGuard})
 */
public record Completion(
    ClaimedTask task, ExecutionRecord execution, Instant retryAt, HostSignal host) {

  public Completion(ClaimedTask task, ExecutionRecord execution, Instant retryAt) {
    this(task, execution, retryAt, HostSignal.NONE);
  }

  public boolean terminal() {
    return retryAt == null;
  }

  /**
   * What an attempt tells about its target origin ({@link HostKey}; the organization is the
   * task's): it answered (alive, whatever the status), it looks down (connection refused or reset,
   * timeout, 502/503/504, …: counts towards opening its circuit), it asked to be left alone until
   * {@code until} (429 or 503 with Retry-After), or nothing (the attempt never reached it).
   */
  public record HostSignal(String host, Kind kind, Instant until) {
    public static final HostSignal NONE = new HostSignal("", Kind.NONE, null);

    public enum Kind {
      ALIVE,
      FAILED,
      THROTTLED,
      NONE
    }
  }
}
