package eu.runlater.platform;

import org.springframework.context.SmartLifecycle;

/**
 * A component that runs one loop on a thread of its own while the application runs: started after
 * the context is ready, stopped before the engine and the connection pool (its phase), so a pass in
 * progress still has both. {@link #loop()} runs while {@link #running()} and waits on this object's
 * monitor; {@link #stop()} wakes it with {@code notifyAll} and an interrupt, and gives it five
 * seconds to end.
 */
public abstract class BackgroundLoop implements SmartLifecycle {
  private final String threadName;
  private volatile boolean running;
  private Thread thread;

  protected BackgroundLoop(String threadName) {
    this.threadName = threadName;
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
