package eu.runlater.alerts;

/** SQL for {@link UsageAlerts}. */
final class UsageAlertsQueries {
  private UsageAlertsQueries() {}

  // Only organizations with a channel can be told anything.
  static final String ORGANIZATIONS_WITH_CHANNELS =
      "SELECT DISTINCT organization_id FROM alert_channels WHERE enabled";
}
