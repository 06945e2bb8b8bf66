package eu.runlater.organizations;

import static eu.runlater.organizations.UsageQueries.*;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * Counts deliveries per organization and month inside a claim's transaction, and answers whether a
 * scheduled occurrence still fits the month's quota.
 *
 * <p>Every claim counts, the completer's hand-off claims included, so one row per organization and
 * month made a completer batch and the producer's claim wait for each other's commit. The count is
 * kept in shards (organizations V7): each meter adds to a shard of its own (1–15, taken in turn on
 * this node, so the meters of concurrent claims here never share one), and the month's count is the
 * sum of its shards. A quota decision locks shard 0 before it sums the shards, and adds what it
 * allowed there, so two nodes still cannot both spend the last of a quota: the second waits for the
 * first claim's commit and then counts what it allowed. Deliveries that run whatever the quota
 * (retries, manual runs, tiers without a monthly quota) take no lock and wait for none.
 */
public final class UsageMeter {
  /** The next meter's shard, counted from a random start so nodes started together differ. */
  private static final AtomicInteger NEXT_SHARD =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(WRITER_SHARDS));

  private final JdbcClient jdbc;
  private final LocalDate month;
  private final boolean enforce;
  private final int shard;
  private final Map<UUID, long[]> used = new HashMap<>();
  private final Map<UUID, Integer> charged = new HashMap<>();

  /**
   * @param jdbc on the claim's connection ({@code ConnectionSql.on}), so it counts in the claim's
   *     transaction
   * @param enforce whether monthly quotas refuse occurrences (counting happens either way)
   */
  public UsageMeter(JdbcClient jdbc, Instant now, boolean enforce) {
    this.jdbc = jdbc;
    this.month = monthOf(now);
    this.enforce = enforce;
    this.shard = 1 + Math.floorMod(NEXT_SHARD.getAndIncrement(), WRITER_SHARDS);
  }

  /** Whether one more delivery fits the organization's monthly quota; counts it if so. */
  public boolean allow(UUID organizationId, Tier tier) {
    Long limit = tier.limits().requestsPerMonth();
    if (!enforce || limit == null) {
      charge(organizationId);
      return true;
    }
    long[] count = used.get(organizationId);
    if (count == null) {
      count = new long[] {load(organizationId)};
      used.put(organizationId, count);
    }
    if (count[0] + charged.getOrDefault(organizationId, 0) >= limit) {
      return false;
    }
    charge(organizationId);
    return true;
  }

  /** Counts a delivery that runs whatever the quota (manual runs, retries). */
  public void charge(UUID organizationId) {
    charged.merge(organizationId, 1, Integer::sum);
  }

  /** Writes the counts in one statement; call once, at the end of the claim. */
  public void flush() {
    if (charged.isEmpty()) {
      return;
    }
    // Organization order, as the statement locks its rows (TreeMap: UUID's own order; the
    // statement sorts again by PostgreSQL's).
    var counts = new TreeMap<>(charged);
    UUID[] orgs = new UUID[counts.size()];
    Short[] shards = new Short[counts.size()];
    Long[] ns = new Long[counts.size()];
    int i = 0;
    for (var e : counts.entrySet()) {
      orgs[i] = e.getKey();
      // An organization whose lock shard this claim holds adds there: no second row locked.
      shards[i] = (short) (used.containsKey(e.getKey()) ? LOCK_SHARD : shard);
      ns[i] = (long) e.getValue();
      i++;
    }
    jdbc.sql(USAGE_MONTH_ADD)
        .param("month", month)
        .param("orgs", new SqlArrayValue("uuid", (Object[]) orgs))
        .param("shards", new SqlArrayValue("smallint", (Object[]) shards))
        .param("ns", new SqlArrayValue("bigint", (Object[]) ns))
        .update();
  }

  /** Locks the organization's month for this claim's decisions, then counts its shards. */
  private long load(UUID organizationId) {
    jdbc.sql(USAGE_MONTH_LOCK).param("org", organizationId).param("month", month).update();
    return sum(jdbc, organizationId, month);
  }

  /** The organization's deliveries this month: the sum of its shards. */
  public static long thisMonth(JdbcClient jdbc, UUID org, Instant now) {
    return sum(jdbc, org, monthOf(now));
  }

  private static long sum(JdbcClient jdbc, UUID org, LocalDate month) {
    return jdbc.sql(USAGE_MONTH_SUM)
        .param("org", org)
        .param("month", month)
        .query(Long.class)
        .single();
  }

  private static LocalDate monthOf(Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
  }
}
