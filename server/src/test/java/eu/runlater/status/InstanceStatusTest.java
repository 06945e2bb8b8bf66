package eu.runlater.status;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class InstanceStatusTest extends ServerTest {
  @Autowired InstanceStatusChecks checks;
  @Autowired JdbcClient jdbc;

  @AfterEach
  void limits() {
    checks.limits(InstanceStatusChecks.Limits.DEFAULT);
  }

  @Test
  void the_instance_page_shows_its_four_components_as_measured() {
    InstanceStatusChecks.Pass pass = checks.runOnce(Instant.now());
    assertThat(pass.measures())
        .extracting(InstanceStatusChecks.Measure::component)
        .containsExactly("api", "scheduler", "delivery", "database");
    assertThat(pass.measures()).allMatch(m -> m.state().equals("operational"));

    Api.Response page = api.get("/status", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("All systems operational")
        .contains("Scheduler")
        .contains("Delivery")
        .contains("Database");
    JsonNode json = api.get("/status/instance.json", null).json();
    assertThat(json.get("components")).hasSize(4);
    assertThat(json.get("components").get(3).get("detail").asString()).startsWith("answers in");
  }

  @Test
  void a_failing_check_opens_an_instance_incident_and_recovery_resolves_it() {
    // A database slower than zero: every round trip is too slow.
    checks.limits(
        new InstanceStatusChecks.Limits(
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            0.9,
            0.5,
            Duration.ZERO,
            Duration.ofSeconds(30)));
    checks.runOnce(Instant.now());
    assertThat(openIncidents()).isEmpty(); // one bad pass is a blip
    checks.runOnce(Instant.now());
    List<Map<String, Object>> open = openIncidents();
    assertThat(open).hasSize(1);
    assertThat(open.getFirst().get("title")).isEqualTo("Database: degraded performance");
    assertThat(open.getFirst().get("organization_id")).isNull();

    Api.Response page = api.get("/status", null);
    assertThat(page.body())
        .contains("Degraded performance")
        .contains("Database: degraded performance")
        .contains("Detected automatically: answers in");
    assertThat(api.get("/status/feed.atom", null).body())
        .contains("Database: degraded performance");

    checks.limits(InstanceStatusChecks.Limits.DEFAULT);
    checks.runOnce(Instant.now());
    checks.runOnce(Instant.now());
    assertThat(openIncidents()).isEmpty();
    Api.Response after = api.get("/status", null);
    assertThat(after.body()).contains("All systems operational").contains("Recovered: answers in");
  }

  private List<Map<String, Object>> openIncidents() {
    return jdbc.sql(
            "SELECT title, organization_id FROM status_incidents WHERE automatic AND resolved_at IS NULL")
        .query()
        .listOfRows();
  }
}
