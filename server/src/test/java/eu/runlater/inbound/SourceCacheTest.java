package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The hosted URLs' source cache on a settable clock: its lifetime bound, forgetting, its size. */
class SourceCacheTest {
  private static final long LIFETIME = SourceCache.LIFETIME.toNanos();

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final SourceCache cache = new SourceCache(nanos::get);
  private final AtomicInteger reads = new AtomicInteger();

  private static Source source(UUID id, String token, long version) {
    return new Source(
        id,
        UUID.randomUUID(),
        "s",
        token,
        VerificationSpec.NONE,
        null,
        null,
        null,
        null,
        null,
        100,
        1,
        Instant.EPOCH,
        Instant.EPOCH,
        version,
        "pro");
  }

  /** A store whose source {@code id} is at {@code version}; counts its reads. */
  private Function<String, Optional<Source>> store(UUID id, AtomicLong version) {
    return token -> {
      reads.incrementAndGet();
      return version.get() == 0 ? Optional.empty() : Optional.of(source(id, token, version.get()));
    };
  }

  @Test
  void an_entry_is_served_until_its_lifetime_from_the_read_is_over_and_then_read_again() {
    UUID id = UUID.randomUUID();
    AtomicLong version = new AtomicLong(1);
    var store = store(id, version);
    assertThat(cache.get("t", store).orElseThrow().version()).isEqualTo(1);
    // Changed elsewhere: the old copy is served within the lifetime, never after.
    version.set(2);
    nanos.addAndGet(LIFETIME - 1);
    assertThat(cache.get("t", store).orElseThrow().version()).isEqualTo(1);
    assertThat(reads).hasValue(1);
    nanos.addAndGet(1);
    assertThat(cache.get("t", store).orElseThrow().version()).isEqualTo(2);
    assertThat(reads).hasValue(2);
    // Deleted elsewhere: gone after the lifetime, and not kept as unknown.
    version.set(0);
    nanos.addAndGet(LIFETIME);
    assertThat(cache.get("t", store)).isEmpty();
    assertThat(cache.size()).isZero();
  }

  @Test
  void fresh_reads_now_and_forget_drops_a_source_this_node_changed() {
    UUID id = UUID.randomUUID();
    AtomicLong version = new AtomicLong(1);
    var store = store(id, version);
    cache.get("t", store);
    version.set(2);
    assertThat(cache.fresh("t", store).orElseThrow().version()).isEqualTo(2);
    assertThat(cache.get("t", store).orElseThrow().version()).isEqualTo(2);
    version.set(3);
    cache.forget(UUID.randomUUID());
    assertThat(cache.get("t", store).orElseThrow().version()).isEqualTo(2);
    cache.forget(id);
    assertThat(cache.get("t", store).orElseThrow().version()).isEqualTo(3);
  }

  @Test
  void unknown_tokens_are_not_kept_and_the_cache_never_holds_more_than_its_bound() {
    AtomicLong none = new AtomicLong(0);
    for (int i = 0; i < 100; i++) {
      assertThat(cache.get("unknown-" + i, store(UUID.randomUUID(), none))).isEmpty();
    }
    assertThat(cache.size()).isZero();
    AtomicLong one = new AtomicLong(1);
    for (int i = 0; i < SourceCache.MAX_ENTRIES * 2 + 10; i++) {
      cache.get("t" + i, store(UUID.randomUUID(), one));
      assertThat(cache.size()).isLessThanOrEqualTo(SourceCache.MAX_ENTRIES);
    }
    // Full, and all expired: the expired entries make room, the young one stays.
    for (int i = 0; cache.size() < SourceCache.MAX_ENTRIES; i++) {
      cache.get("f" + i, store(UUID.randomUUID(), one));
    }
    nanos.addAndGet(LIFETIME);
    int before = reads.get();
    cache.get("young", store(UUID.randomUUID(), one));
    assertThat(cache.get("young", store(UUID.randomUUID(), one))).isPresent();
    assertThat(reads.get() - before).isEqualTo(1);
    assertThat(cache.size()).isEqualTo(1);
  }
}
