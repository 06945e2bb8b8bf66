package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.sql.Connection;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The queue gauges: depth above and oldest waiting older than their thresholds. */
class QueueAlertChecksTest extends ServerTest {
  @Autowired QueueAlertChecks checks;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired ApplicationContext context;
  Fixtures.Tenant tenant;
  String queueId;

  private SmartLifecycle dispatcher() {
    return context.getBean("dispatcher", SmartLifecycle.class);
  }

  @BeforeEach
  void setUp() {
    dispatcher().stop(); // the test measures with its own clock; the leader's gauges must not
    tenant = fixtures.tenant();
    // Paused: pushed messages wait.
    Api.Response q = api.put("/api/v1/queues/mail", tenant.key(), "{\"paused\": true}");
    assertThat(q.status()).as(q.toString()).isBetween(200, 201);
    for (int i = 0; i < 3; i++) {
      Api.Response m =
          api.post(
              "/api/v1/queues/mail/messages",
              tenant.key(),
              "{\"url\": \"https://example.com/m" + i + "\"}");
      assertThat(m.status()).as(m.toString()).isEqualTo(201);
    }
    Api.Response rule =
        api.put(
            "/api/v1/alert-rules/queues/mail",
            tenant.key(),
            "{\"depth_above\": 2, \"oldest_waiting_seconds\": 600}");
    assertThat(rule.status()).as(rule.toString()).isEqualTo(200);
    queueId = rule.json().path("subject_id").asString();
  }

  @AfterEach
  void restart() {
    dispatcher().start();
  }

  private void measure(Instant now) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      checks.measure(c, now);
      c.commit();
    }
  }

  private String state(String condition) {
    return jdbc.sql(
            "SELECT state FROM alert_incidents WHERE subject_id = CAST(:id AS uuid)"
                + " AND condition = :c ORDER BY id DESC LIMIT 1")
        .param("id", queueId)
        .param("c", condition)
        .query(String.class)
        .optional()
        .orElse("none");
  }

  @Test
  void a_deep_queue_opens_a_depth_incident_until_its_threshold_is_raised() throws Exception {
    measure(Instant.now());
    assertThat(state("depth")).isEqualTo("open");
    assertThat(
            jdbc.sql(
                    "SELECT detail FROM alert_incidents WHERE condition = 'depth'"
                        + " AND subject_id = CAST(:id AS uuid)")
                .param("id", queueId)
                .query(String.class)
                .single())
        .isEqualTo("more than 2 messages waiting");
    assertThat(state("oldest_waiting")).isEqualTo("none");
    api.put("/api/v1/alert-rules/queues/mail", tenant.key(), "{\"depth_above\": 10}");
    measure(Instant.now());
    assertThat(state("depth")).isEqualTo("closed");
  }

  @Test
  void a_message_waiting_longer_than_the_threshold_opens_an_oldest_waiting_incident()
      throws Exception {
    measure(Instant.now().plusSeconds(601));
    assertThat(state("oldest_waiting")).isEqualTo("open");
  }
}
