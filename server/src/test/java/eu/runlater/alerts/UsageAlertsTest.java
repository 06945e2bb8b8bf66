package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Tier;
import eu.runlater.support.ServerTest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Usage at 80 % and 100 % of the monthly quota: one incident each per month, closed silently. */
class UsageAlertsTest extends ServerTest {
  static final Instant NOW = Instant.parse("2030-03-20T10:00:00Z");

  @Autowired UsageAlerts usage;
  @Autowired AlertRules rules;
  @Autowired Dispatcher dispatcher;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  AlertFixtures alerts;
  UUID org;

  @BeforeEach
  void setUp() {
    dispatcher.stop();
    alerts = new AlertFixtures(jdbc, dataSource);
    org = fixtures.tenant(Tier.FREE).id(); // 10,000 deliveries a month
    alerts.channel(org, "chat", false, "http://127.0.0.1:1/chat");
  }

  @AfterEach
  void restart() {
    dispatcher.start();
  }

  private void used(long deliveries) {
    jdbc.sql(
            """
            INSERT INTO usage_months (organization_id, month, deliveries) VALUES (:org, :m, :n)
            ON CONFLICT (organization_id, month, shard) DO UPDATE SET deliveries = :n
            """)
        .param("org", org)
        .param("m", LocalDate.of(2030, 3, 1))
        .param("n", deliveries)
        .update();
  }

  private void measure(Instant at) {
    alerts.inTransaction(c -> usage.measure(c, at));
  }

  private long open(String condition) {
    return jdbc.sql(
            "SELECT count(*) FROM alert_incidents WHERE subject_id = :org AND condition = :c"
                + " AND state = 'open'")
        .param("org", org)
        .param("c", condition)
        .query(Long.class)
        .single();
  }

  @Test
  void eighty_and_a_hundred_percent_open_once_and_the_new_month_closes_them_without_a_notice() {
    used(7_999);
    measure(NOW);
    assertThat(open("usage_80")).isZero();
    used(8_000);
    measure(NOW);
    measure(NOW.plusSeconds(15));
    assertThat(open("usage_80")).isEqualTo(1);
    assertThat(open("usage_100")).isZero();
    used(10_000);
    measure(NOW.plusSeconds(30));
    assertThat(open("usage_100")).isEqualTo(1);
    assertThat(alerts.pending(org))
        .extracting(AlertFixtures.Pending::change)
        .containsExactly("opened", "opened");
    measure(Instant.parse("2030-04-01T00:00:10Z"));
    assertThat(open("usage_80")).isZero();
    assertThat(open("usage_100")).isZero();
    assertThat(alerts.pending(org)).hasSize(2);
  }

  @Test
  void usage_alerts_off_in_the_defaults_tell_nothing() {
    rules.putDefaults(
        org,
        new RuleSettings(
            null, null, null, null, null, null, null, null, null, null, null, null, null, false));
    used(10_000);
    measure(NOW);
    assertThat(open("usage_80")).isZero();
    assertThat(alerts.pending(org)).isEmpty();
  }
}
