package eu.runlater.organizations;

/** SQL for usage_months: deliveries per organization and calendar month (UTC). */
final class UsageQueries {
  private UsageQueries() {}

  static final String USAGE_MONTH_ADD =
      """
      INSERT INTO usage_months (organization_id, month, deliveries) VALUES (:org, :month, :n)
      ON CONFLICT (organization_id, month) DO UPDATE
      SET deliveries = usage_months.deliveries + excluded.deliveries
      """;

  // Creates the month's row if missing and locks it, so two nodes cannot both spend the last of a
  // quota: the second waits for the first claim's transaction.
  static final String USAGE_MONTH_LOCK =
      """
      INSERT INTO usage_months (organization_id, month, deliveries) VALUES (:org, :month, 0)
      ON CONFLICT (organization_id, month) DO UPDATE SET deliveries = usage_months.deliveries
      RETURNING deliveries
      """;

  static final String USAGE_MONTH_GET =
      "SELECT deliveries FROM usage_months WHERE organization_id = :org AND month = :month";
}
