package eu.runlater.inbound;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Sources by hosted-URL token, so that a hosted URL reads no source row in the common case.
 *
 * <p>Guarantee: an entry is served for at most {@link #LIFETIME} after the read that made it began;
 * this node forgets a source at once when it changes it. A change made on another node can thus be
 * missed here for up to {@link #LIFETIME}, but never when it matters for what is stored: each
 * request is stored only if its source still has the {@link Source#version} it was verified with
 * ({@link InboundEvents}), and is handled again with the source read afresh otherwise. What the
 * version does not cover (the organization's tier, which caps the rate limit) is honoured within
 * {@link #LIFETIME}.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} tokens; when full, the expired entries go, and if none
 * had, all of them. Unknown tokens are not kept (a flood of made-up tokens cannot fill it, and a
 * new source's URL works at once).
 */
final class SourceCache {
  static final Duration LIFETIME = Duration.ofSeconds(1);
  static final int MAX_ENTRIES = 4096;

  private record Entry(Source source, long readAt) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier nanos;
  private final long lifetime = LIFETIME.toNanos();

  /**
   * @param nanos a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests)
   */
  SourceCache(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /** The source of {@code token}: the cached one while it is young, else {@code read}'s. */
  Optional<Source> get(String token, Function<String, Optional<Source>> read) {
    long now = nanos.getAsLong();
    Entry entry = entries.get(token);
    if (entry != null && now - entry.readAt() < lifetime) {
      return Optional.of(entry.source());
    }
    return refresh(token, read, now);
  }

  /** The source of {@code token} as {@code read} gives it now; the entry made afresh. */
  Optional<Source> fresh(String token, Function<String, Optional<Source>> read) {
    return refresh(token, read, nanos.getAsLong());
  }

  /** Forgets the source {@code id} (this node changed or deleted it). */
  void forget(UUID id) {
    entries.values().removeIf(e -> e.source().id().equals(id));
  }

  int size() {
    return entries.size();
  }

  // The entry's age counts from before the read: a change committed while it ran is then missed
  // for at most LIFETIME, not LIFETIME plus the read's time.
  private Optional<Source> refresh(
      String token, Function<String, Optional<Source>> read, long readAt) {
    Optional<Source> source = read.apply(token);
    if (source.isEmpty()) {
      entries.remove(token);
      return source;
    }
    if (entries.size() >= MAX_ENTRIES && !entries.containsKey(token)) {
      long now = nanos.getAsLong();
      entries.values().removeIf(e -> now - e.readAt() >= lifetime);
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.put(token, new Entry(source.get(), readAt));
    return source;
  }
}
