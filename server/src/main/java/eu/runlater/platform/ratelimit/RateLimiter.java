package eu.runlater.platform.ratelimit;

import eu.runlater.platform.ratelimit.RateLimitProperties.Policy;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * One token bucket per API key and per signed-in user, in this node's memory (Bucket4j), sized by
 * the tier of the key's organization (or the best tier among the user's organizations).
 *
 * <p>Why in memory: a database write per API request would cap the push path at the database's
 * commit rate and add a round trip to every call. The engine keeps no table of live nodes, so the
 * cluster-wide limit is approximated with a configured node count ({@code
 * RUNLATER_RATE_LIMIT_NODES}): each node allows {@code quota / nodes}, which is the tier's quota in
 * total when a load balancer spreads a key's requests evenly, and less when it does not (a key
 * pinned to one node gets {@code quota / nodes}). A restart refills the buckets.
 *
 * <p>Tiers are read from the database at most once a minute per key, so a tier change reaches the
 * limiter within a minute.
 */
@Component
public class RateLimiter {
  static final Duration TIER_TTL = Duration.ofMinutes(1);

  /** Past this many buckets, idle ones are forgotten (a bucket left alone refills anyway). */
  static final int MAX_BUCKETS = 100_000;

  private final RateLimitTiers tierOf;
  private final InstantSource clock;
  private final RateLimitProperties defaults;
  private volatile boolean enabled;
  private volatile Map<String, Policy> policies;
  private final Map<String, Limited> buckets = new ConcurrentHashMap<>();
  private final Map<String, CachedTier> tiers = new ConcurrentHashMap<>();

  RateLimiter(RateLimitTiers tierOf, InstantSource clock, RateLimitProperties properties) {
    this.tierOf = tierOf;
    this.clock = clock;
    this.defaults = properties;
    reset();
  }

  /** A bucket and the policy it was built for. */
  record Limited(Bucket bucket, Policy policy) {}

  private record CachedTier(String tier, Instant until) {}

  public boolean enabled() {
    return enabled;
  }

  /**
   * Replaces the policies at runtime (tests; an operator's hook) and forgets every bucket.
   *
   * @param policies by tier code: {@code free}, {@code pro}
   */
  public void configure(boolean enabled, Map<String, Policy> policies) {
    this.enabled = enabled;
    this.policies = Map.copyOf(policies);
    buckets.clear();
    tiers.clear();
  }

  /** Back to the configured settings, every bucket full. */
  public void reset() {
    configure(defaults.enabled(), defaults.policies());
  }

  /** The bucket of an API key. */
  Limited forApiKey(UUID apiKeyId, UUID organizationId) {
    String tier = tier("org:" + organizationId, () -> tierOf.ofOrganization(organizationId));
    return bucket("key:" + apiKeyId, tier);
  }

  /** The bucket of a signed-in user (all of their sessions share it). */
  Limited forUser(String username) {
    String tier = tier("user:" + username, () -> tierOf.ofUser(username));
    return bucket("user:" + username, tier);
  }

  private String tier(String key, Supplier<Optional<String>> load) {
    Instant now = clock.instant();
    CachedTier cached = tiers.get(key);
    if (cached == null || now.isAfter(cached.until())) {
      cached = new CachedTier(load.get().orElse("free"), now.plus(TIER_TTL));
      if (tiers.size() >= MAX_BUCKETS) {
        tiers.clear();
      }
      tiers.put(key, cached);
    }
    return cached.tier();
  }

  /**
   * Takes one unit from the bucket named {@code key}, made for {@code policy} on first use (and
   * made again when the policy changes). For limits a user sets on something of theirs (an inbound
   * source's requests): they hold whether or not the API's limits are {@link #enabled}.
   *
   * @return 0 when the unit was taken, else the seconds until the bucket has one (at least 1)
   */
  public long take(String key, Policy policy) {
    var probe = bucket(key, policy).bucket().tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return 0;
    }
    return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
  }

  private Limited bucket(String key, String tier) {
    return bucket(key, policies.getOrDefault(tier, policies.get("free")));
  }

  private Limited bucket(String key, Policy policy) {
    Limited limited = buckets.get(key);
    if (limited != null && limited.policy().equals(policy)) {
      return limited;
    }
    if (limited == null && buckets.size() >= MAX_BUCKETS) {
      buckets.clear();
    }
    // Atomic per key: concurrent first requests of one key share the bucket the first of them
    // builds (a get-then-put would give each its own full bucket, and the burst would pass).
    return buckets.compute(
        key,
        (k, present) ->
            present != null && present.policy().equals(policy)
                ? present
                : new Limited(build(policy), policy));
  }

  private static Bucket build(Policy policy) {
    // Interval refill: the whole quota comes back at the end of each window, which is what the
    // RateLimit-Policy header (q per w) says.
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(policy.quota())
                .refillIntervally(policy.quota(), policy.window())
                .build())
        .build();
  }
}
