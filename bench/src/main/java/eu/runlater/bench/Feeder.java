package eu.runlater.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Offers work at a fixed rate: every 10 ms it hands over as many new tasks as the rate owes since
 * the start, so a slow insert is caught up by a larger next batch instead of lowering the rate.
 */
final class Feeder {
  static final long TICK_NANOS = 10_000_000;

  /** Inserts {@code count} tasks, committed before it returns. */
  @FunctionalInterface
  interface Batch {
    void insert(int count) throws Exception;
  }

  /** What was fed: how many, over how long, and the rate that makes. */
  record Fed(long tasks, long nanos) {
    double rate() {
      return tasks * 1e9 / nanos;
    }
  }

  private Feeder() {}

  static Fed run(double perSecond, Duration duration, Batch batch) throws Exception {
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long fed = 0;
    for (long tick = start; ; tick += TICK_NANOS) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long owed = (long) ((now - start) / 1e9 * perSecond) - fed;
      if (owed > 0) {
        batch.insert((int) owed);
        fed += owed;
      }
      long wait = tick + TICK_NANOS - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    return new Fed(fed, System.nanoTime() - start);
  }
}
