package eu.runlater.organizations;

/**
 * SQL for usage_months: deliveries per organization and calendar month (UTC), in up to 16 shards
 * per organization and month (organizations V7) whose sum is the month's count.
 */
final class UsageQueries {
  private UsageQueries() {}

  /** The shard where quota decisions take their lock (and add what they allowed). */
  static final int LOCK_SHARD = 0;

  /** Shards 1 to this many take the counts of claims that hold no lock. */
  static final int WRITER_SHARDS = 15;

  // One statement for a claim's organizations, in organization order so that two claims adding to
  // the same shard lock its rows in one order.
  static final String USAGE_MONTH_ADD =
      """
      INSERT INTO usage_months AS u (organization_id, month, shard, deliveries)
      SELECT d.org, :month, d.shard, d.n
      FROM unnest(:orgs::uuid[], :shards::smallint[], :ns::bigint[]) AS d (org, shard, n)
      ORDER BY d.org
      ON CONFLICT (organization_id, month, shard) DO UPDATE
      SET deliveries = u.deliveries + excluded.deliveries
      """;

  // Creates the month's lock shard if missing and locks it, so two nodes cannot both spend the last
  // of a quota: the second waits for the first claim's transaction. The count is read by
  // USAGE_MONTH_SUM after it, in a statement of its own: its snapshot is taken once the lock is
  // held, so it sees every shard the first claim wrote (a single statement's snapshot would be
  // older than the wait).
  static final String USAGE_MONTH_LOCK =
      """
      INSERT INTO usage_months AS u (organization_id, month, shard, deliveries)
      VALUES (:org, :month, 0, 0)
      ON CONFLICT (organization_id, month, shard) DO UPDATE SET deliveries = u.deliveries
      """;

  static final String USAGE_MONTH_SUM =
      """
      SELECT coalesce(sum(deliveries), 0) FROM usage_months
      WHERE organization_id = :org AND month = :month
      """;
}
