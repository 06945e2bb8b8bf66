package eu.runlater.platform.database;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for a write path whose callers each wait for their own write to be durable: writes
 * submitted while a commit is in flight are stored together in the next transaction, so many
 * writers share one commit (one WAL flush) instead of paying one each.
 *
 * <p>A caller {@link #submit}s one item and blocks until the transaction holding it has committed,
 * then gets its result; it is never answered before that, so an acknowledged write is durable. A
 * batch runs {@code batch} (items in submission order, results in the same order) in one
 * transaction. When that transaction fails, each of its items is written again alone, by {@code
 * single} in its own transaction, so one bad item fails only its own caller (with the exception
 * {@code single} threw).
 *
 * <p>Bounded: at most {@link Settings#maxBatch} items a transaction, {@link Settings#writers}
 * transactions at a time, {@link Settings#maxWaiting} items waiting; when the wait queue is full,
 * {@link #submit} throws {@link Full} at once and nothing is written (the caller answers 503). On
 * {@link #close} it refuses new items, writes the ones waiting, and stops its writers.
 *
 * <p>Metrics: {@code runlater_group_commit_batch_size} (a summary of items a transaction, tag
 * {@code name}), {@code runlater_group_commit_refused_total} (items refused as full or closed) and
 * {@code runlater_group_commit_fallbacks_total} (batches written again item by item).
 *
 * @param <T> an item to write
 * @param <R> what its caller learns once it committed
 */
public final class GroupCommit<T, R> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /** How long {@link #close} waits for the writers to write what waits. */
  private static final Duration DRAIN = Duration.ofSeconds(30);

  /**
   * @param maxBatch the most items one transaction writes
   * @param maxWaiting the most items waiting for a writer; more are refused ({@link Full})
   * @param writers how many transactions run at once (one can collect while another commits)
   */
  public record Settings(int maxBatch, int maxWaiting, int writers) {
    public Settings {
      if (maxBatch < 1 || maxWaiting < 1 || writers < 1) {
        throw new IllegalArgumentException(
            "group commit settings must be at least 1: maxBatch "
                + maxBatch
                + ", maxWaiting "
                + maxWaiting
                + ", writers "
                + writers);
      }
    }
  }

  /** The wait queue is full, or the group commit is closed: the item was not written. */
  public static final class Full extends RuntimeException {
    Full(String message) {
      super(message, null, false, false);
    }
  }

  private record Entry<T, R>(T item, CompletableFuture<R> result) {}

  private final String name;
  private final TransactionTemplate transactions;
  private final Function<List<T>, List<R>> batch;
  private final Function<T, R> single;
  private final Settings settings;
  private final BlockingQueue<Entry<T, R>> waiting;
  private final List<Thread> writers = new ArrayList<>();
  private final DistributionSummary sizes;
  private final Counter refused;
  private final Counter fallbacks;
  private volatile boolean closed;

  public GroupCommit(
      String name,
      TransactionTemplate transactions,
      Function<List<T>, List<R>> batch,
      Function<T, R> single,
      Settings settings,
      MeterRegistry meters) {
    this.name = name;
    this.transactions = transactions;
    this.batch = batch;
    this.single = single;
    this.settings = settings;
    this.waiting = new ArrayBlockingQueue<>(settings.maxWaiting());
    this.sizes =
        DistributionSummary.builder("runlater.group_commit.batch.size")
            .description("Items written in one transaction by a group commit")
            .tag("name", name)
            .register(meters);
    this.refused =
        Counter.builder("runlater.group_commit.refused")
            .description("Items a group commit refused: its wait queue was full, or it was closed")
            .tag("name", name)
            .register(meters);
    this.fallbacks =
        Counter.builder("runlater.group_commit.fallbacks")
            .description("Batches whose transaction failed, written again item by item")
            .tag("name", name)
            .register(meters);
    for (int i = 0; i < settings.writers(); i++) {
      writers.add(Thread.ofVirtual().name("group-commit-" + name + "-" + i).start(this::write));
    }
  }

  /**
   * Writes {@code item} with others and returns its result once its transaction committed; throws
   * {@link Full} (nothing written) when too many wait or when closed, or what {@code single} threw
   * for it.
   */
  public R submit(T item) {
    if (closed) {
      refused.increment();
      throw new Full("the " + name + " group commit is closed");
    }
    var entry = new Entry<T, R>(item, new CompletableFuture<>());
    if (!waiting.offer(entry)) {
      refused.increment();
      throw new Full(settings.maxWaiting() + " " + name + " writes are waiting");
    }
    if (closed && waiting.remove(entry)) {
      // Closed while offering, and no writer took it: refuse rather than leave it waiting.
      refused.increment();
      throw new Full("the " + name + " group commit is closed");
    }
    try {
      return entry.result().get();
    } catch (InterruptedException e) {
      // The write goes on; only this caller stops waiting (its answer was not sent).
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the " + name + " commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** How many items wait for a writer now. */
  int waiting() {
    return waiting.size();
  }

  /** A writer: takes what waits (up to a batch), writes it, answers its callers; until closed. */
  private void write() {
    List<Entry<T, R>> taken = new ArrayList<>(settings.maxBatch());
    while (true) {
      taken.clear();
      try {
        Entry<T, R> first = waiting.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        taken.add(first);
      } catch (InterruptedException e) {
        if (closed && waiting.isEmpty()) {
          return;
        }
        continue;
      }
      waiting.drainTo(taken, settings.maxBatch() - 1);
      sizes.record(taken.size());
      writeBatch(taken);
    }
  }

  private void writeBatch(List<Entry<T, R>> taken) {
    List<T> items = new ArrayList<>(taken.size());
    for (Entry<T, R> e : taken) {
      items.add(e.item());
    }
    List<R> results;
    try {
      results = transactions.execute(status -> batch.apply(items));
      if (results == null || results.size() != items.size()) {
        throw new IllegalStateException(
            "the " + name + " batch answered " + results + " for " + items.size() + " items");
      }
    } catch (RuntimeException | Error failed) {
      if (taken.size() > 1) {
        fallbacks.increment();
        log.warn(
            "{} group commit: a batch of {} failed ({}); writing each alone",
            name,
            taken.size(),
            failed.toString());
      }
      for (Entry<T, R> e : taken) {
        try {
          e.result().complete(transactions.execute(status -> single.apply(e.item())));
        } catch (RuntimeException | Error one) {
          e.result().completeExceptionally(one);
        }
      }
      return;
    }
    for (int i = 0; i < taken.size(); i++) {
      taken.get(i).result().complete(results.get(i));
    }
  }

  /** Refuses new items, writes those waiting (up to 30 s), and stops the writers. */
  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + DRAIN.toNanos();
    for (Thread w : writers) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !w.join(Duration.ofNanos(left))) {
          log.warn("{} group commit: a writer did not stop within {}", name, DRAIN);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    // Anything still waiting (writers gone): refused, never left hanging.
    Entry<T, R> e;
    while ((e = waiting.poll()) != null) {
      refused.increment();
      e.result().completeExceptionally(new Full("the " + name + " group commit is closed"));
    }
  }
}
