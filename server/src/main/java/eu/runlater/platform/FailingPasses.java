package eu.runlater.platform;

import eu.runlater.platform.errors.DatabaseUnavailable;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * A loop's run of failed passes, told once. While the database is away every pass of a loop fails;
 * the log gets one warning when the failures begin (with the cause; a stack trace only when the
 * cause is not the database being away), a reminder every {@link #REMIND_EVERY} while they last,
 * and one line when a pass succeeds again, instead of a stack trace per pass.
 *
 * <p>Not thread-safe: one loop, one thread (or callers that hold a lock).
 */
public final class FailingPasses {
  /** While passes keep failing, how often the log is reminded. */
  static final Duration REMIND_EVERY = Duration.ofMinutes(5);

  private final Logger log;
  private long failures;
  private long failingSince;
  private long remindedAt;

  /**
   * @param log the loop's logger, so the lines name the loop
   */
  public FailingPasses(Logger log) {
    this.log = log;
  }

  /** Reports a failed pass of {@code what} ("Sweeping heartbeats"); logs as the class says. */
  public void failed(String what, Exception e) {
    long now = System.nanoTime();
    failures++;
    if (failures == 1) {
      failingSince = now;
      remindedAt = now;
      if (DatabaseUnavailable.of(e).isPresent()) {
        log.warn(
            "{} failed: the database is unavailable ({}); retrying quietly until it works",
            what,
            DatabaseUnavailable.rootMessage(e));
      } else {
        log.warn("{} failed; retrying quietly until it works", what, e);
      }
    } else if (now - remindedAt >= REMIND_EVERY.toNanos()) {
      remindedAt = now;
      log.warn(
          "{} still failing after {} s ({} passes): {}",
          what,
          (now - failingSince) / 1_000_000_000,
          failures,
          e.toString());
    } else {
      log.debug("{} failed again", what, e);
    }
  }

  /** Reports a good pass of {@code what}: ends (and logs the end of) a run of failures. */
  public void succeeded(String what) {
    if (failures > 0) {
      log.info(
          "{} works again after {} ms ({} failed passes)",
          what,
          (System.nanoTime() - failingSince) / 1_000_000,
          failures);
      failures = 0;
    }
  }
}
