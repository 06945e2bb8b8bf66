package eu.runlater.status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This node's copy of the public pages: one snapshot per page (by slug, by custom host, and the
 * instance's own), kept for {@code runlater.status.cache-ttl} (5 s), with each format rendered once
 * from it. So a page under load costs one build per TTL per node, whatever the request rate; an
 * unknown slug is remembered as unknown for as long. A write on this node ({@link #invalidate})
 * drops the page at once; other nodes see it within the TTL.
 *
 * <p>Each form is kept gzipped too (compressed once), for the clients that accept it.
 *
 * <p>When an entry expires, one request rebuilds it (per key) while the others wait for it: a burst
 * after expiry makes one build, not one per request.
 */
@Component
public class PublicCache {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PublicCache.class);
  private final java.util.concurrent.atomic.AtomicBoolean hostsLoading =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** More keys than this (random slugs) and the expired ones go. */
  static final int MAX_ENTRIES = 10_000;

  /** A rendered form of a snapshot: its bytes and their strong ETag. */
  /** The key of the instance's own page. */
  static final String INSTANCE_KEY = "instance";

  record Body(byte[] bytes, byte[] gzipped, String etag) {
    static Body of(String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length / 4);
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
          gzip.write(bytes);
        }
        return new Body(
            bytes, out.toByteArray(), "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** One page's snapshot (null: no such page) and what was rendered from it. */
  static final class Entry {
    final StatusSnapshot snapshot;
    final Instant expires;
    private final Map<String, Body> bodies = new ConcurrentHashMap<>();

    Entry(StatusSnapshot snapshot, Instant expires) {
      this.snapshot = snapshot;
      this.expires = expires;
    }

    /** The form {@code format} (html, json, atom, rss), rendered once. */
    Body body(String format, Function<StatusSnapshot, String> render) {
      return bodies.computeIfAbsent(format, f -> Body.of(render.apply(snapshot)));
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final InstantSource clock;
  private final Duration ttl;
  private volatile Map<String, String> hosts;
  private volatile Instant hostsExpire = Instant.EPOCH;

  PublicCache(InstantSource clock, @Value("${runlater.status.cache-ttl:5s}") Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  /** The entry of {@code key}, built by {@code build} when it is missing or expired. */
  Entry get(String key, Supplier<Optional<StatusSnapshot>> build) {
    Entry e = entries.get(key);
    if (e != null && clock.instant().isBefore(e.expires)) {
      return e;
    }
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      e = entries.get(key);
      Instant now = clock.instant();
      if (e != null && now.isBefore(e.expires)) {
        return e;
      }
      if (entries.size() >= MAX_ENTRIES) {
        entries.values().removeIf(x -> !now.isBefore(x.expires));
        if (entries.size() >= MAX_ENTRIES) {
          entries.clear();
        }
        locks.clear();
      }
      Entry fresh = new Entry(build.get().orElse(null), now.plus(ttl));
      entries.put(key, fresh);
      return fresh;
    }
  }

  /**
   * The custom hosts of all pages ({@code host → slug}), read at most once per TTL: the custom-host
   * filter asks on every request.
   */
  Map<String, String> hosts(Supplier<Map<String, String>> load) {
    Map<String, String> h = hosts;
    if (h != null && clock.instant().isBefore(hostsExpire)) {
      return h;
    }
    if (h != null) {
      // Stale: read them again in the background and go on with the ones held, so that no
      // request waits for the read (with the database away, seconds for a connection).
      if (hostsLoading.compareAndSet(false, true)) {
        Thread.startVirtualThread(
            () -> {
              try {
                loadHosts(load);
              } finally {
                hostsLoading.set(false);
              }
            });
      }
      return h;
    }
    return loadHosts(load);
  }

  private synchronized Map<String, String> loadHosts(Supplier<Map<String, String>> load) {
    if (hosts == null || !clock.instant().isBefore(hostsExpire)) {
      try {
        hosts = Map.copyOf(load.get());
      } catch (RuntimeException e) {
        // The database is away: keep the hosts known (none, at first) for another TTL, so that
        // requests, /health included, neither fail here nor wait for it each time.
        log.debug("Could not read the custom hosts; keeping the last known", e);
        if (hosts == null) {
          hosts = Map.of();
        }
      }
      hostsExpire = clock.instant().plus(ttl);
    }
    return hosts;
  }

  /** Drops what this node holds of the page (a write to it, its components or incidents). */
  public void invalidate(UUID pageId) {
    entries
        .values()
        .removeIf(
            e ->
                e.snapshot != null
                    && e.snapshot.page() != null
                    && pageId.equals(e.snapshot.page().id()));
    // A new or renamed slug or host was "unknown" a moment ago.
    entries.values().removeIf(e -> e.snapshot == null);
    // Read again by the next request itself, not in the background: it may name the new host.
    hosts = null;
    hostsExpire = Instant.EPOCH;
  }

  /**
   * Drops everything once the current transaction commits (at once without one): a write to a page,
   * its components or an incident shows on this node's next request, and a request between the
   * write and its commit cannot cache the old state for a whole TTL.
   */
  void invalidateAfterCommit() {
    if (!org.springframework.transaction.support.TransactionSynchronizationManager
        .isSynchronizationActive()) {
      invalidateAll();
      return;
    }
    org.springframework.transaction.support.TransactionSynchronizationManager
        .registerSynchronization(
            new org.springframework.transaction.support.TransactionSynchronization() {
              @Override
              public void afterCompletion(int status) {
                invalidateAll();
              }
            });
  }

  /** Drops the instance's own page (its checks measured, its incidents changed). */
  void invalidateInstance() {
    entries.remove(INSTANCE_KEY);
  }

  /** Drops everything (a page deleted, an incident on several pages). */
  public void invalidateAll() {
    entries.clear();
    hosts = null;
    hostsExpire = Instant.EPOCH;
  }

  Duration ttl() {
    return ttl;
  }
}
