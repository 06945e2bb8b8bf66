package eu.runlater.status;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.alerts.AlertSignals;
import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Automatic incidents: a monitor that a component follows goes down (as MonitorTransitions tells
 * it: its state and its alert condition) and the leader's pass opens an incident on that component,
 * mailed to subscribers; it recovers and the next pass resolves it.
 */
class IncidentAutomationTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired TransactionalConnection connection;
  @Autowired AlertSignals signals;
  @Autowired IncidentAutomation automation;

  UUID monitor(UUID organizationId, String name) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO monitors (id, organization_id, name, kind, url, interval_s, timeout_s,
                                  state, state_since, badge_key, created_at, updated_at)
            VALUES (:id, :org, :name, 'http', 'https://shop.example.com/health', 60, 10, 'up',
                    now(), :badge, now(), now())
            """)
        .param("id", id)
        .param("org", organizationId)
        .param("name", name)
        .param("badge", UUID.randomUUID().toString())
        .update();
    return id;
  }

  void state(UUID organizationId, UUID monitorId, boolean down, Instant now) {
    tx.executeWithoutResult(
        s -> {
          jdbc.sql("UPDATE monitors SET state = :state, state_since = :now WHERE id = :id")
              .param("state", down ? "down" : "up")
              .param("now", SqlTime.ts(now))
              .param("id", monitorId)
              .update();
          try {
            signals.condition(
                connection.current(),
                organizationId,
                "monitor",
                monitorId,
                "down",
                down,
                down ? "HTTP 503 twice in a row" : null,
                now);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  IncidentAutomation.Pass pass(Instant now) {
    return tx.execute(s -> automation.runOnce(jdbc, now));
  }

  @Test
  void a_followed_monitor_going_down_opens_one_incident_and_its_recovery_resolves_it() {
    Fixtures.Tenant tenant = fixtures.tenant(Tier.PRO);
    UUID monitorId = monitor(tenant.id(), "Shop health");
    Api.Response created =
        api.post(
            "/api/v1/status-pages",
            tenant.key(),
            "{\"slug\": \"auto-%s\", \"title\": \"Shop\", \"components\": [{\"name\": \"Web\"}]}"
                .formatted(UUID.randomUUID().toString().substring(0, 8)));
    UUID pageId = UUID.fromString(created.json().path("id").asString());
    UUID componentId = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO status_components (id, page_id, name, kind, subject_id, position)
            VALUES (:id, :page, 'Checkout', 'monitor', :monitor, 1)
            """)
        .param("id", componentId)
        .param("page", pageId)
        .param("monitor", monitorId)
        .update();
    String reader = "reader-" + UUID.randomUUID() + "@example.com";
    IncidentApiTest.subscribe(jdbc, pageId, reader, true);

    // In the past: the mails of an update are due at its time.
    Instant t0 = Instant.now().minusSeconds(300);
    assertThat(pass(t0).opened()).isZero();
    state(tenant.id(), monitorId, true, t0);
    assertThat(pass(t0.plusSeconds(15)).opened()).isEqualTo(1);
    assertThat(pass(t0.plusSeconds(30)).opened()).as("one incident per outage").isZero();

    JsonNode open = api.get("/api/v1/incidents?state=open", tenant.key()).json().path("data");
    assertThat(open.size()).isEqualTo(1);
    JsonNode incident = open.get(0);
    assertThat(incident.path("automatic").asBoolean()).isTrue();
    assertThat(incident.path("subject_kind").asString()).isEqualTo("monitor");
    assertThat(incident.path("subject_id").asString()).isEqualTo(monitorId.toString());
    assertThat(incident.path("title").asString()).endsWith(" is down");
    assertThat(incident.path("impact").asString()).isEqualTo("major");
    assertThat(incident.path("components").get(0).path("id").asString())
        .isEqualTo(componentId.toString());
    Sink.await(
        Duration.ofSeconds(20), "the outage mailed", () -> !new Mailbox(jdbc).to(reader).isEmpty());

    state(tenant.id(), monitorId, false, t0.plusSeconds(60));
    IncidentAutomation.Pass recovered = pass(t0.plusSeconds(75));
    assertThat(recovered.resolved()).isEqualTo(1);
    JsonNode done =
        api.get("/api/v1/incidents/" + incident.path("id").asString(), tenant.key()).json();
    assertThat(done.path("status").asString()).isEqualTo("resolved");
    assertThat(done.path("updates").get(0).path("message").asString()).contains("recovered");
    assertThat(pass(t0.plusSeconds(90))).isEqualTo(new IncidentAutomation.Pass(0, 0, 0));
    Sink.await(
        Duration.ofSeconds(20),
        "the recovery mailed",
        () -> new Mailbox(jdbc).to(reader).size() == 2);

    // A second outage is a new incident.
    state(tenant.id(), monitorId, true, t0.plusSeconds(120));
    assertThat(pass(t0.plusSeconds(135)).opened()).isEqualTo(1);
    assertThat(api.get("/api/v1/incidents", tenant.key()).json().path("data").size()).isEqualTo(2);
  }
}
