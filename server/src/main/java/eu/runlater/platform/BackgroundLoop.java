package eu.runlater.platform;

import eu.runlater.engine.FailureStreak;
import eu.runlater.platform.errors.DatabaseUnavailable;
import java.time.Duration;
import java.util.function.BooleanSupplier;
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
 * reports each good pass with {@link #passSucceeded}; a run of failures (the database away) is
 * logged once, as {@link FailureStreak} says, not as a stack trace per pass.
 */
public abstract class BackgroundLoop implements SmartLifecycle {
  // The subclass's logger, so the lines name the loop.
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String threadName;
  private volatile boolean running;
  private Thread thread;

  // The current run of failed passes (touched by the loop's thread only).
  private final FailureStreak failures;

  /**
   * @param threadName the loop's thread
   * @param what the loop's work, as the subject of a sentence ("Sweeping heartbeats")
   */
  protected BackgroundLoop(String threadName, String what) {
    this.threadName = threadName;
    this.failures = DatabaseUnavailable.failureStreak(log, what);
  }

  /** Reports a failed pass; logs as {@link FailureStreak} says. */
  protected final void passFailed(Exception e) {
    failures.failed(e);
  }

  /** Reports a good pass: ends (and logs the end of) a run of failures. */
  protected final void passSucceeded() {
    failures.succeeded();
  }

  /** The loop: runs passes while {@link #running()}, never throws, waits on {@code this}. */
  protected abstract void loop();

  protected final boolean running() {
    return running;
  }

  /**
   * A {@link #loop()} that runs {@code pass} every {@code interval} while {@code when} holds (such
   * as "this node leads"), reporting each pass; {@link #stop()} ends the wait at once.
   */
  protected final void repeat(Duration interval, BooleanSupplier when, Runnable pass) {
    while (running()) {
      try {
        if (when.getAsBoolean()) {
          pass.run();
        }
        passSucceeded();
      } catch (RuntimeException e) {
        passFailed(e);
      }
      synchronized (this) {
        if (running()) {
          try {
            wait(interval.toMillis());
          } catch (InterruptedException e) {
            // re-checked by the loop
          }
        }
      }
    }
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
