package eu.runlater.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Holds tasks the producer claimed ahead of their due time and starts each on a worker at its
 * instant: a burst of occurrences due on one second is claimed (and its cron successors made, in
 * the claim hook) during the second before, so at the instant only the deliveries remain. A task
 * waits here holding no worker; one timer thread starts them in due-time order as workers free.
 *
 * <p>Never early: a task starts once the producer's clock ({@link Producer#now()}: this node's
 * clock less what it is measured ahead of the database) has reached its {@code run_at}; as the
 * claim took only tasks due within the lookahead by the earlier of both clocks, the database's
 * clock has reached it too.
 *
 * <p>Fenced as any claim: each task keeps its lease (from its due time on) and its fencing token,
 * and its worker asks the claim's {@link Heartbeat#fence()} right before the send, so a node cut
 * off while it held tasks sends none of them. A node that dies holding tasks leaves their leases to
 * expire (or the leader hands them on once it declares the node dead), as for a running task. A
 * cancel removes the task here ({@link #cancel}); a stopping node hands what it holds back to ready
 * ({@link #stop}).
 */
final class Lookahead {
  /** The longest the timer parks at once: a clock stepped forward is noticed this soon. */
  private static final long MAX_PARK_NANOS = 100_000_000;

  private record Key(Instant at, long token) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Long.compare(token, o.token);
    }
  }

  private record Held(ClaimedTask task, BooleanSupplier fence) {}

  private final ConcurrentSkipListMap<Key, Held> held = new ConcurrentSkipListMap<>();

  /**
   * Cancellations that found no task held here, with when they came: the notice of a task's
   * cancellation can arrive between the claim's commit and {@link #hold}, and must not be lost.
   * Kept for {@link #EARLY_CANCEL_NANOS}, more than any claim takes to reach {@link #hold}.
   */
  private final ConcurrentHashMap<UUID, Long> cancelledEarly = new ConcurrentHashMap<>();

  static final long EARLY_CANCEL_NANOS = 60_000_000_000L;

  /** How many remembered cancellations make {@link #cancel} sweep out the old ones. */
  static final int EARLY_CANCEL_SWEEP = 1_024;

  private final Supplier<Instant> now;
  private final Workers workers;
  private final int capacity;
  private volatile boolean running;
  private volatile Thread thread;

  /**
   * @param now the producer's clock
   * @param capacity the most tasks held at once
   */
  Lookahead(Supplier<Instant> now, Workers workers, int capacity) {
    this.now = now;
    this.workers = workers;
    this.capacity = capacity;
  }

  /** How many more tasks may be held. */
  int room() {
    return Math.max(0, capacity - held.size());
  }

  /** How many tasks wait here. */
  int held() {
    return held.size();
  }

  /** Holds {@code task} until its {@code run_at}, then starts it on a worker. */
  void hold(ClaimedTask task, BooleanSupplier fence) {
    Key key = new Key(task.runAt(), task.leaseToken());
    held.put(key, new Held(task, fence));
    // Put, then look (cancel records, then looks): one of the two sees the other.
    if (cancelledEarly.remove(task.id()) != null) {
      held.remove(key);
      return;
    }
    // Wakes the timer if this task comes first, or is gone already (due, and started meanwhile):
    // never firstKey(), which throws on the map the timer may have just emptied.
    Map.Entry<Key, Held> first = held.firstEntry();
    Thread t = thread;
    if (t != null && (first == null || first.getKey().compareTo(key) >= 0)) {
      LockSupport.unpark(t);
    }
  }

  /**
   * Removes a cancelled task (its row is gone); returns whether it was held here. One not held
   * (yet) is remembered for a while, so that {@link #hold} drops it if its claim arrives after the
   * notice.
   */
  boolean cancel(UUID taskId) {
    long now = System.nanoTime();
    if (cancelledEarly.size() >= EARLY_CANCEL_SWEEP) {
      cancelledEarly.values().removeIf(at -> now - at > EARLY_CANCEL_NANOS);
    }
    cancelledEarly.put(taskId, now);
    for (Map.Entry<Key, Held> e : held.entrySet()) {
      if (e.getValue().task().id().equals(taskId)) {
        cancelledEarly.remove(taskId);
        return held.remove(e.getKey()) != null;
      }
    }
    return false;
  }

  /** Called as workers free: a task due and waiting for one may start. */
  void capacityFreed() {
    Thread t = thread;
    if (t != null && !held.isEmpty()) {
      LockSupport.unpark(t);
    }
  }

  void start() {
    running = true;
    thread = Thread.ofPlatform().name("runlater-lookahead").daemon().start(this::loop);
  }

  /** Stops starting tasks; returns those still held, unstarted, for the caller to hand back. */
  List<ClaimedTask> stop() throws InterruptedException {
    running = false;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      t.join();
    }
    List<ClaimedTask> left = new ArrayList<>();
    for (Map.Entry<Key, Held> e; (e = held.pollFirstEntry()) != null; ) {
      left.add(e.getValue().task());
    }
    return left;
  }

  private void loop() {
    while (running) {
      Map.Entry<Key, Held> first = held.firstEntry();
      if (first == null) {
        LockSupport.parkNanos(this, MAX_PARK_NANOS);
        continue;
      }
      long wait = Duration.between(now.get(), first.getKey().at()).toNanos();
      if (wait > 0) {
        LockSupport.parkNanos(this, Math.min(wait, MAX_PARK_NANOS));
        continue;
      }
      if (workers.reserve(1) == 0) {
        // Due, but every worker is busy: a freed worker unparks this thread.
        LockSupport.parkNanos(this, MAX_PARK_NANOS);
        continue;
      }
      Held task = held.remove(first.getKey());
      if (task == null) {
        workers.unreserve(1); // cancelled meanwhile
      } else {
        workers.startReserved(task.task(), task.fence());
      }
    }
  }
}
