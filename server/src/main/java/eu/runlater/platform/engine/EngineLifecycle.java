package eu.runlater.platform.engine;

import eu.runlater.engine.Engine;
import java.sql.SQLException;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the engine once the application is up, and stops it gracefully after the web server has
 * stopped taking requests (so in-flight API calls can still enqueue) and before the database pool
 * closes.
 */
final class EngineLifecycle implements SmartLifecycle {
  /**
   * Below the web server's phases (DEFAULT_PHASE - 1024 and - 2048): starts before it takes
   * requests, stops after it has stopped; the pool is destroyed after every lifecycle stops.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final Engine engine;
  private volatile boolean running;

  EngineLifecycle(Engine engine) {
    this.engine = engine;
  }

  @Override
  public void start() {
    try {
      engine.start();
    } catch (SQLException e) {
      throw new IllegalStateException("could not start the delivery engine", e);
    }
    running = true;
  }

  @Override
  public void stop() {
    engine.stop();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
