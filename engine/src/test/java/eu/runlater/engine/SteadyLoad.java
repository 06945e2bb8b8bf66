package eu.runlater.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntToLongFunction;

/**
 * The steady load of the cluster tests: a thread of its own inserts a batch of eight tasks every
 * 100 ms through an engine that is never started (it only inserts), each task posting its own id
 * ({@link ChildEngines#task}), until {@link #stop()}.
 */
final class SteadyLoad {
  static final Duration BATCH_EVERY = Duration.ofMillis(100);
  static final int BATCH = 8;
  private final Set<UUID> inserted = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean loading = new AtomicBoolean(true);
  private final AtomicReference<Exception> failed = new AtomicReference<>();
  private final Thread thread;

  /**
   * Starts inserting into {@code fixture}'s database tasks to {@code url} with {@code timeoutMs};
   * the {@code i}-th task of a batch (0 to 7) is due {@code delayMs.applyAsLong(i)} ms after its
   * batch.
   */
  SteadyLoad(
      String name, EngineFixture fixture, String url, int timeoutMs, IntToLongFunction delayMs) {
    Engine inserter = fixture.engine(fixture.config().build());
    thread =
        Thread.ofPlatform()
            .daemon()
            .name(name)
            .start(
                () -> {
                  try {
                    while (loading.get()) {
                      List<NewTask> batch = new ArrayList<>();
                      for (int i = 0; i < BATCH; i++) {
                        Instant runAt = Instant.now().plusMillis(delayMs.applyAsLong(i));
                        batch.add(ChildEngines.task(url, runAt, timeoutMs));
                      }
                      fixture.insert(inserter, batch);
                      batch.forEach(t -> inserted.add(t.id()));
                      Thread.sleep(BATCH_EVERY);
                    }
                  } catch (Exception e) {
                    failed.set(e);
                  }
                });
  }

  /**
   * Stops inserting and waits for the thread; fails when an insert failed. Returns every task
   * inserted.
   */
  Set<UUID> stop() throws InterruptedException {
    loading.set(false);
    thread.join();
    if (failed.get() != null) {
      throw new AssertionError("the load could not insert", failed.get());
    }
    return Set.copyOf(inserted);
  }
}
