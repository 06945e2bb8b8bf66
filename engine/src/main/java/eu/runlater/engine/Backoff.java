package eu.runlater.engine;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time
 * between zero and {@code min(max, base * 2^(n-1))}. Jitter spreads the retries of many tasks that
 * failed together (an endpoint outage) instead of sending them back in a wave.
 */
public record Backoff(int baseMs, int maxMs) {
  public static final Backoff DEFAULT = new Backoff(15_000, 3_600_000);

  public Backoff {
    if (baseMs < 1 || maxMs < baseMs) {
      throw new IllegalArgumentException(
          "backoff needs 1 <= baseMs <= maxMs, got base " + baseMs + " max " + maxMs);
    }
  }

  /** The wait before the retry that follows the given number of failures (1 = first). */
  public Duration delayAfter(int failures, RandomGenerator random) {
    long cap = baseMs;
    for (int i = 1; i < failures && cap < maxMs; i++) {
      cap *= 2;
    }
    cap = Math.min(cap, maxMs);
    return Duration.ofMillis(random.nextLong(cap + 1));
  }
}
