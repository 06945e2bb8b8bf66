package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** /api/v1/alert-incidents over HTTP, on incidents that signals opened and closed. */
class IncidentsApiTest extends ServerTest {
  @Autowired AlertSignals signals;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired Incidents incidents;
  Fixtures.Tenant tenant;
  AlertFixtures alerts;

  @BeforeEach
  void setUp() {
    tenant = fixtures.tenant();
    alerts = new AlertFixtures(jdbc, dataSource);
  }

  @Test
  void incidents_are_listed_newest_first_filtered_and_paged() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    Instant t = Instant.now();
    alerts.inTransaction(
        c ->
            signals.outcomes(
                c,
                List.of(
                    AlertFixtures.failure(tenant.id(), "job", a, t),
                    AlertFixtures.failure(tenant.id(), "job", b, t)),
                t));
    alerts.inTransaction(
        c ->
            signals.outcomes(
                c,
                List.of(AlertFixtures.success(tenant.id(), "job", a, t.plusSeconds(1))),
                t.plusSeconds(1)));
    Api.Response open = api.get("/api/v1/alert-incidents?state=open", tenant.key());
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.json().path("data").size()).isEqualTo(1);
    assertThat(open.json().path("data").get(0).path("subject_id").asString())
        .isEqualTo(b.toString());
    assertThat(open.json().path("data").get(0).path("last_status_code").asInt()).isEqualTo(500);
    Api.Response closed =
        api.get("/api/v1/alert-incidents?state=closed&subject_id=" + a, tenant.key());
    assertThat(closed.json().path("data").size()).isEqualTo(1);
    Api.Response first = api.get("/api/v1/alert-incidents?limit=1", tenant.key());
    String cursor = first.json().path("next_cursor").asString();
    Api.Response second = api.get("/api/v1/alert-incidents?limit=1&cursor=" + cursor, tenant.key());
    assertThat(second.json().path("data").get(0).path("id").asString())
        .isNotEqualTo(first.json().path("data").get(0).path("id").asString());
    String id = open.json().path("data").get(0).path("id").asString();
    assertThat(api.get("/api/v1/alert-incidents/" + id, tenant.key()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/alert-incidents/" + id, fixtures.tenant().key()).status())
        .isEqualTo(404);
    assertThat(incidents.open(tenant.id(), "job", List.of(a, b))).containsOnlyKeys(b);
    assertThat(api.get("/api/v1/alert-incidents?state=broken", tenant.key()).status())
        .isEqualTo(422);
  }
}
