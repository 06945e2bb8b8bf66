package eu.runlater.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * When this node's producer plans to look for due tasks next, and the signal that makes it look
 * sooner: a notification from another node, a retry scheduled here, a rescue, or freed worker
 * capacity.
 *
 * <p>{@link #plannedWake()} is {@link Instant#MIN} while the producer is working (it will look
 * again without being told), and the instant it sleeps until otherwise. Inserts compare against it
 * to decide whether a {@code NOTIFY} is needed at all.
 */
final class Wakeups {
  private final AtomicReference<Instant> requested = new AtomicReference<>();
  private volatile Instant plannedWake = Instant.MAX;
  private volatile Thread sleeper;
  private volatile boolean nudged;

  /**
   * How far ahead of a due time the producer claims ({@link EngineConfig#lookahead()}, while its
   * {@link Lookahead} has room): a task due at {@code t} is looked for at {@code t - lead}.
   */
  private volatile Duration lead = Duration.ZERO;

  /** The instant the producer sleeps until; MIN while it works, MAX when no engine runs here. */
  public Instant plannedWake() {
    return plannedWake;
  }

  /** Whether a task due at {@code at} would wait for this node's next look. */
  public boolean wouldSleepPast(Instant at) {
    Duration ahead = lead;
    return (ahead.isZero() ? at : at.minus(ahead)).isBefore(plannedWake);
  }

  /** Sets how far ahead of a due time the producer looks; set by the producer before it sleeps. */
  void lead(Duration value) {
    lead = value;
  }

  /**
   * Look for a task due at {@code due} no later than then (less the {@link #lead(Duration) lead}).
   * A wake for an instant at or after the planned one changes nothing and leaves the producer
   * asleep: committing a task due in an hour must not cost a claim statement now.
   */
  public void wake(Instant due) {
    Duration ahead = lead;
    Instant at = ahead.isZero() ? due : due.minus(ahead);
    requested.accumulateAndGet(at, (a, b) -> a == null || b.isBefore(a) ? b : a);
    Thread t = sleeper;
    Instant planned = plannedWake;
    // MIN: the producer is working, or between reading the request and publishing its plan; the
    // permit makes its next park return so that it reads the request again.
    if (t != null && (planned == Instant.MIN || at.isBefore(planned))) {
      LockSupport.unpark(t);
    }
  }

  /** Wake now (capacity freed, stop requested). */
  public void nudge() {
    nudged = true;
    Thread t = sleeper;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Marks the producer as working: inserts need not notify. Called by the producer thread. */
  void working() {
    sleeper = Thread.currentThread();
    plannedWake = Instant.MIN;
  }

  /** Marks the producer as about to work, before its thread runs. */
  void starting() {
    plannedWake = Instant.MIN;
  }

  /** Marks that no producer runs here: every insert notifies. */
  void stopped() {
    plannedWake = Instant.MAX;
    sleeper = null;
  }

  /**
   * Sleeps until {@code until}, or earlier if a wake for an earlier instant arrives, {@link
   * #nudge()} is called or {@code stop} turns true; and never longer than {@code longest} of real
   * time, whatever the clock says. The bound is the fallback poll: a clock stepped backwards (NTP,
   * or a test moving its clock) would otherwise stretch a planned 50 ms into hours, and a task due
   * "now" by the new clock would wait for a wake that never comes.
   *
   * @return whether it woke on its own (at {@code until} or the bound) with no wake request pending
   *     and no nudge: nobody said there is anything to do
   */
  boolean sleepUntil(
      Instant until,
      InstantSource clock,
      java.util.function.BooleanSupplier stop,
      Duration longest) {
    sleeper = Thread.currentThread();
    long giveUp = System.nanoTime() + longest.toNanos();
    try {
      while (!stop.getAsBoolean()) {
        Instant request = requested.get();
        Instant target = request != null && request.isBefore(until) ? request : until;
        plannedWake = target;
        Instant now = clock.instant();
        if (!target.isAfter(now)) {
          return request == null;
        }
        long left = giveUp - System.nanoTime();
        if (left <= 0) {
          return request == null;
        }
        long nanos = Math.min(Duration.between(now, target).toNanos(), left);
        long deadline = System.nanoTime() + nanos;
        LockSupport.parkNanos(this, nanos);
        if (nudged) {
          nudged = false;
          return false;
        }
        if (System.nanoTime() - deadline >= 0) {
          // Slept the whole time (to the target, or to the real-time bound).
          return requested.get() == null;
        }
        // Woken by a wake() (or spuriously): plan again with the current request.
      }
      return false;
    } finally {
      requested.set(null);
      plannedWake = Instant.MIN;
    }
  }
}
