package eu.runlater.status;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Keeps the subscription form from being a way to mail-bomb someone: one confirmation mail per
 * address and page a minute, and {@value #PER_PAGE_PER_MINUTE} per page a minute, on this node.
 */
@Component
class PublicStatusLimits {
  static final Duration PER_ADDRESS = Duration.ofMinutes(1);
  static final int PER_PAGE_PER_MINUTE = 30;
  private static final int MAX_KEYS = 100_000;

  private final InstantSource clock;
  private final Map<String, Instant> lastMail = new ConcurrentHashMap<>();
  private final Map<UUID, long[]> perPage = new ConcurrentHashMap<>();

  PublicStatusLimits(InstantSource clock) {
    this.clock = clock;
  }

  /** Whether a confirmation mail may go now; counts it when it may. */
  synchronized boolean subscribe(UUID pageId, String email) {
    Instant now = clock.instant();
    if (lastMail.size() > MAX_KEYS) {
      lastMail.values().removeIf(at -> at.plus(PER_ADDRESS).isBefore(now));
    }
    String key = pageId + " " + email;
    Instant last = lastMail.get(key);
    if (last != null && now.isBefore(last.plus(PER_ADDRESS))) {
      return false;
    }
    long minute = now.getEpochSecond() / 60;
    long[] count = perPage.computeIfAbsent(pageId, k -> new long[2]);
    if (count[0] != minute) {
      count[0] = minute;
      count[1] = 0;
    }
    if (count[1] >= PER_PAGE_PER_MINUTE) {
      return false;
    }
    count[1]++;
    lastMail.put(key, now);
    return true;
  }
}
