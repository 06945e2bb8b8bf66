package eu.runlater.platform;

import eu.runlater.platform.errors.DatabaseUnavailable;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A component that runs one loop on a thread of its own while the application runs: started after
 * the context is ready, stopped before the engine and the connection pool (its phase), so a pass in
 * progress still has both. {@link #loop()} runs while {@link #running()} and waits on this object's
 * monitor; {@link #stop()} wakes it with {@code notifyAll} and an interrupt, and gives it five
 * seconds to end.
 *
 * <p>A loop never dies of a failed pass: it reports it with {@link #passFailed} and goes on, and
 * reports each good pass with {@link #passSucceeded()}. While the database is away every pass
 * fails; the log gets one warning when the failures begin (with the cause; a stack trace only when
 * the cause is not the database being away), a reminder every {@link #REMIND_EVERY} while they
 * last, and one line when a pass succeeds again, instead of a stack trace per pass.
 */
public abstract class BackgroundLoop implements SmartLifecycle {
  /** While passes keep failing, how often the log is reminded. */
  static final Duration REMIND_EVERY = Duration.ofMinutes(5);

  // The subclass's logger, so the lines name the loop.
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String threadName;
  private volatile boolean running;
  private Thread thread;

  // The current run of failed passes (touched by the loop's thread only).
  private long failures;
  private long failingSince;
  private long remindedAt;

  protected BackgroundLoop(String threadName) {
    this.threadName = threadName;
  }

  /**
   * Reports a failed pass of {@code what} ("Sweeping heartbeats"); logs as the class comment says.
   */
  protected final void passFailed(String what, Exception e) {
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
  protected final void passSucceeded(String what) {
    if (failures > 0) {
      log.info(
          "{} works again after {} ms ({} failed passes)",
          what,
          (System.nanoTime() - failingSince) / 1_000_000,
          failures);
      failures = 0;
    }
  }

  /** The loop: runs passes while {@link #running()}, never throws, waits on {@code this}. */
  protected abstract void loop();

  protected final boolean running() {
    return running;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().name(threadName).daemon().start(this::loop);
  }

  @Override
  public void stop() {
    running = false;
    synchronized (this) {
      notifyAll();
    }
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the engine and the pool. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 4096 + 1;
  }
}
