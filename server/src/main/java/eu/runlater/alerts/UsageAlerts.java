package eu.runlater.alerts;

import static eu.runlater.alerts.UsageAlertsQueries.ORGANIZATIONS_WITH_CHANNELS;

import eu.runlater.organizations.Organization;
import eu.runlater.organizations.Organizations;
import eu.runlater.organizations.UsageMeter;
import eu.runlater.platform.database.ConnectionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The organization's monthly quota, on the leader every gauge interval: an incident (subject kind
 * {@code organization}) opens at 80 % ({@code usage_80}) and at 100 % ({@code usage_100}) of the
 * tier's deliveries per month, one of each per month. They close when the new month's usage is back
 * under, without a recovery notice (nothing was fixed; the month turned). Organizations without
 * channels are skipped: no one could be told.
 */
@Component
class UsageAlerts implements AlertGauge {
  static final String USAGE_80 = "usage_80";
  static final String USAGE_100 = "usage_100";

  private final AlertSignals signals;
  private final Organizations organizations;

  UsageAlerts(AlertSignals signals, Organizations organizations) {
    this.signals = signals;
    this.organizations = organizations;
  }

  @Override
  public void measure(Connection connection, Instant now) throws SQLException {
    JdbcClient jdbc = ConnectionSql.on(connection);
    List<UUID> orgs = jdbc.sql(ORGANIZATIONS_WITH_CHANNELS).query(UUID.class).list();
    if (orgs.isEmpty()) {
      return;
    }
    RuleBook book = RuleBook.load(jdbc, orgs, orgs);
    for (UUID org : orgs) {
      Organization o = organizations.find(org).orElse(null);
      if (o == null) {
        continue;
      }
      Long limit = o.tier().limits().requestsPerMonth();
      boolean on = !Boolean.FALSE.equals(book.defaults(org).usageAlerts()) && limit != null;
      long used = on ? UsageMeter.thisMonth(jdbc, org, now) : 0;
      report(connection, org, USAGE_80, on && used * 100 >= limit * 80L, used, limit, now);
      report(connection, org, USAGE_100, on && used >= limit, used, limit, now);
    }
  }

  private void report(
      Connection connection,
      UUID org,
      String condition,
      boolean active,
      long used,
      Long limit,
      Instant now)
      throws SQLException {
    String detail =
        limit == null
            ? null
            : String.format(
                "%,d of %,d deliveries this month (%d %%)", used, limit, used * 100 / limit);
    signals.condition(
        connection, org, AlertRules.ORGANIZATION, org, condition, active, detail, now);
  }
}
