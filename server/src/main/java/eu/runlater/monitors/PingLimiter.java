package eu.runlater.monitors;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Per-token ping rate limit, in this node's memory (Bucket4j): a flood of pings to one URL must not
 * become a flood of writes. A ping over the limit is still taken when it may change the monitor's
 * state, as far as this node knows it: a different kind of ping than the last one taken (a {@code
 * /start}, a {@code /fail} or a failing exit code after successes, a success after a failure), a
 * monitor not known to be up, or one whose next ping is due (the sweep may have made it late). So a
 * flood delays nothing that matters: state transitions are never lost; only repeats of what was
 * just said are refused (429 with Retry-After).
 */
@Component
class PingLimiter {
  static final int MAX_ENTRIES = 100_000;

  private final HeartbeatProperties properties;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  PingLimiter(HeartbeatProperties properties) {
    this.properties = properties;
  }

  /** What this node last saw of a token's monitor after a ping it took. */
  record Known(String state, Instant dueAt, String category) {}

  private static final class Entry {
    final Bucket bucket;
    volatile Known known;

    Entry(Bucket bucket) {
      this.bucket = bucket;
    }
  }

  /** Whether to take the ping; when not, {@code retryAfter} says when the bucket has a token. */
  record Verdict(boolean take, long retryAfterSeconds) {}

  Verdict check(String key, String category, Instant now) {
    Entry entry = entry(key);
    ConsumptionProbe probe = entry.bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed() || mayChangeState(entry.known, category, now)) {
      return new Verdict(true, 0);
    }
    long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
    return new Verdict(false, seconds);
  }

  /** Records what a taken ping left the monitor as. */
  void taken(String key, String state, Instant dueAt, String category) {
    entry(key).known = new Known(state, dueAt, category);
  }

  /** Forgets every bucket (tests). */
  void reset() {
    entries.clear();
  }

  static boolean mayChangeState(Known known, String category, Instant now) {
    return known == null
        || !category.equals(known.category())
        || !MonitorTransitions.UP.equals(known.state())
        || known.dueAt() == null
        || !now.isBefore(known.dueAt());
  }

  /** {@code start}, {@code ok} or {@code fail}: pings of one category say the same thing. */
  static String category(HeartbeatRules.Ping ping) {
    return !ping.finish() ? "start" : ping.failed() ? "fail" : "ok";
  }

  private Entry entry(String key) {
    Entry entry = entries.get(key);
    if (entry != null) {
      return entry;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear(); // idle buckets refill anyway; a restart does the same
    }
    return entries.computeIfAbsent(key, k -> new Entry(bucket()));
  }

  private Bucket bucket() {
    int burst = properties.pingBurst();
    int perMinute = properties.pingsPerMinute();
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(perMinute, Duration.ofMinutes(1))
                .build())
        .build();
  }
}
