package eu.runlater.accounts;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Counts deliveries per organization and month inside a claim's transaction, and answers whether a
 * scheduled occurrence still fits the month's quota. The organization's row is locked while the
 * claim decides, so two nodes cannot both spend the last of a quota.
 */
public final class UsageMeter {
  private final Connection connection;
  private final LocalDate month;
  private final boolean enforce;
  private final Map<UUID, long[]> used = new HashMap<>();
  private final Map<UUID, Integer> charged = new HashMap<>();

  /**
   * @param enforce whether monthly quotas refuse occurrences (counting happens either way)
   */
  public UsageMeter(Connection connection, Instant now, boolean enforce) {
    this.connection = connection;
    this.month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
    this.enforce = enforce;
  }

  /** Whether one more delivery fits the organization's monthly quota; counts it if so. */
  public boolean allow(UUID organizationId, Tier tier) throws SQLException {
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
  public void flush() throws SQLException {
    for (var e : charged.entrySet()) {
      Db.update(
          connection,
          """
          INSERT INTO usage_months (organization_id, month, deliveries) VALUES (:org, :month, :n)
          ON CONFLICT (organization_id, month) DO UPDATE
          SET deliveries = usage_months.deliveries + excluded.deliveries
          """,
          Params.of("org", e.getKey()).put("month", month).put("n", (long) e.getValue()));
    }
  }

  private long load(UUID organizationId) throws SQLException {
    return Db.query(
            connection,
            """
            INSERT INTO usage_months (organization_id, month, deliveries) VALUES (:org, :month, 0)
            ON CONFLICT (organization_id, month) DO UPDATE SET deliveries = usage_months.deliveries
            RETURNING deliveries
            """,
            Params.of("org", organizationId).put("month", month),
            rs -> rs.getLong(1))
        .getFirst();
  }

  /** The organization's deliveries this month. */
  public static long thisMonth(
      org.springframework.jdbc.core.simple.JdbcClient jdbc, UUID org, Instant now) {
    return jdbc.sql(
            "SELECT deliveries FROM usage_months WHERE organization_id = :org AND month = :month")
        .param("org", org)
        .param("month", LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1))
        .query(Long.class)
        .optional()
        .orElse(0L);
  }
}
