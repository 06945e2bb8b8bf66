package eu.runlater.platform.database;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One node's copies of rows read on every request and written rarely, good while the {@link
 * ChangeFeed} announces no change to their topic since each was read, and for {@link
 * ChangeFeed#MAX_AGE_NANOS} at most. Only what was found is kept (an unknown key is read every
 * time), and at most {@code limit} copies (past it, the copies start over).
 */
public final class NodeCopies<K, V> {
  private final ChangeFeed changes;
  private final String topic;
  private final int limit;
  private final ConcurrentHashMap<K, Copy<V>> copies = new ConcurrentHashMap<>();

  public NodeCopies(ChangeFeed changes, String topic, int limit) {
    this.changes = changes;
    this.topic = topic;
    this.limit = limit;
  }

  private record Copy<V>(V value, long stamp, long readAt) {}

  /**
   * This node's good copy of {@code key}'s row, or the row {@code read} gives now (null: none),
   * kept when the feed listens. The stamp is taken before the read, so a change committed while it
   * reads makes the copy stale at once.
   */
  public V get(K key, Supplier<V> read) {
    long stamp = changes.stamp(topic);
    Copy<V> copy = copies.get(key);
    if (copy != null
        && copy.stamp() == stamp
        && stamp != ChangeFeed.UNTRUSTED
        && System.nanoTime() - copy.readAt() < ChangeFeed.MAX_AGE_NANOS) {
      return copy.value();
    }
    V value = read.get();
    if (value != null && stamp != ChangeFeed.UNTRUSTED) {
      if (copies.size() >= limit) {
        copies.clear();
      }
      copies.put(key, new Copy<>(value, stamp, System.nanoTime()));
    } else {
      copies.remove(key);
    }
    return value;
  }

  /** Changes this node's copy of {@code key} (if it has one) as the caller just wrote the row. */
  public void wrote(K key, UnaryOperator<V> change) {
    copies.computeIfPresent(
        key, (k, c) -> new Copy<>(change.apply(c.value()), c.stamp(), c.readAt()));
  }
}
