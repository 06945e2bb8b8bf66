package eu.runlater.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deliveries, one virtual thread each, never more than {@code size} at once. A finished
 * attempt goes to the completer; its slot is freed at once, and the producer told. An attempt the
 * delivery did not send because the node's heartbeat went stale ({@link Delivery.Fenced}) goes to
 * {@code unsent} instead, to be handed back.
 */
final class Workers {
  private static final Logger log = LoggerFactory.getLogger(Workers.class);

  private final int size;
  private final Semaphore permits;
  private final Delivery delivery;
  private final Completer completer;
  private final Runnable onFree;
  private final java.util.function.Consumer<ClaimedTask> unsent;
  // Keyed by lease token, unique per attempt: cheap to hash, unlike the task with its request.
  private final Map<Long, Running> inFlight = new ConcurrentHashMap<>();
  private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();

  private record Running(ClaimedTask task, Thread thread) {}

  Workers(
      int size,
      Delivery delivery,
      Completer completer,
      Runnable onFree,
      java.util.function.Consumer<ClaimedTask> unsent) {
    this.size = size;
    this.permits = new Semaphore(size);
    this.delivery = delivery;
    this.completer = completer;
    this.onFree = onFree;
    this.unsent = unsent;
  }

  int free() {
    return permits.availablePermits();
  }

  int busy() {
    return size - permits.availablePermits();
  }

  /** Holds up to {@code n} free workers for {@link #startReserved}; returns how many it holds. */
  int reserve(int n) {
    for (int k = Math.min(n, permits.availablePermits()); k > 0; k--) {
      if (permits.tryAcquire(k)) {
        return k;
      }
    }
    return 0;
  }

  /** Frees {@code n} workers {@link #reserve} held and nothing started on. */
  void unreserve(int n) {
    permits.release(n);
    onFree.run();
  }

  /** As {@link #start}, on a worker {@link #reserve} holds. */
  void startReserved(ClaimedTask task, java.util.function.BooleanSupplier fence) {
    Thread thread = Thread.ofVirtual().name("runlater-delivery").unstarted(() -> run(task, fence));
    inFlight.put(task.leaseToken(), new Running(task, thread));
    thread.start();
  }

  /**
   * Delivers {@code task} on a thread of its own; {@code fence} ({@link Heartbeat#fence()} as of
   * its claim) is asked right before the send.
   */
  void start(ClaimedTask task, java.util.function.BooleanSupplier fence) {
    permits.acquireUninterruptibly();
    startReserved(task, fence);
  }

  private void run(ClaimedTask task, java.util.function.BooleanSupplier fence) {
    try {
      Completion completion;
      try {
        completion = delivery.attempt(task, fence);
      } catch (Delivery.Fenced e) {
        unsent.accept(task);
        return;
      } catch (RuntimeException e) {
        log.error("Delivery of task {} failed inside the engine", task.id(), e);
        completion = delivery.internalFailure(task, e);
      }
      if (!abandoned.contains(task.leaseToken())) {
        completer.submit(completion);
      }
    } finally {
      inFlight.remove(task.leaseToken());
      abandoned.remove(task.leaseToken());
      permits.release();
      onFree.run();
    }
  }

  /**
   * Interrupts the attempt of a cancelled task if it runs here; its outcome is not recorded (the
   * task is gone, so it could not be anyway).
   */
  boolean cancel(java.util.UUID taskId) {
    for (Running running : inFlight.values()) {
      if (running.task().id().equals(taskId)) {
        abandoned.add(running.task().leaseToken());
        running.thread().interrupt();
        return true;
      }
    }
    return false;
  }

  /** Waits until no delivery runs; returns whether that happened within {@code bound}. */
  boolean awaitIdle(Duration bound) throws InterruptedException {
    if (permits.tryAcquire(size, bound.toMillis(), TimeUnit.MILLISECONDS)) {
      permits.release(size);
      return true;
    }
    return false;
  }

  /**
   * Interrupts the deliveries still running and returns their tasks; their outcomes will not be
   * recorded (the caller hands the tasks back to ready).
   */
  List<ClaimedTask> abandonRunning() {
    List<ClaimedTask> tasks = new ArrayList<>();
    for (Running running : inFlight.values()) {
      abandoned.add(running.task().leaseToken());
      running.thread().interrupt();
      tasks.add(running.task());
    }
    return tasks;
  }
}
