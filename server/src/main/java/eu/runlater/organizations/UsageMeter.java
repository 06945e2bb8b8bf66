package eu.runlater.organizations;

import static eu.runlater.organizations.UsageQueries.*;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Counts deliveries per organization and month inside a claim's transaction, and answers whether a
 * scheduled occurrence still fits the month's quota. The organization's row is locked while the
 * claim decides, so two nodes cannot both spend the last of a quota.
 */
public final class UsageMeter {
  private final JdbcClient jdbc;
  private final LocalDate month;
  private final boolean enforce;
  private final Map<UUID, long[]> used = new HashMap<>();
  private final Map<UUID, Integer> charged = new HashMap<>();

  /**
   * @param jdbc on the claim's connection ({@code ConnectionSql.on}), so it counts in the claim's
   *     transaction
   * @param enforce whether monthly quotas refuse occurrences (counting happens either way)
   */
  public UsageMeter(JdbcClient jdbc, Instant now, boolean enforce) {
    this.jdbc = jdbc;
    this.month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
    this.enforce = enforce;
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

  /** Writes the counts; call once, at the end of the claim. */
  public void flush() {
    for (var e : charged.entrySet()) {
      jdbc.sql(USAGE_MONTH_ADD)
          .param("org", e.getKey())
          .param("month", month)
          .param("n", (long) e.getValue())
          .update();
    }
  }

  private long load(UUID organizationId) {
    return jdbc.sql(USAGE_MONTH_LOCK)
        .param("org", organizationId)
        .param("month", month)
        .query(Long.class)
        .single();
  }

  /** The organization's deliveries this month. */
  public static long thisMonth(JdbcClient jdbc, UUID org, Instant now) {
    return jdbc.sql(USAGE_MONTH_GET)
        .param("org", org)
        .param("month", LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1))
        .query(Long.class)
        .optional()
        .orElse(0L);
  }
}
