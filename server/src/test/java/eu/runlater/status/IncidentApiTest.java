package eu.runlater.status;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Tier;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** /api/v1/incidents over HTTP, and the mail an update with notify sends. */
class IncidentApiTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  Fixtures.Tenant tenant;
  JsonNode page;

  @BeforeEach
  void setUp() {
    tenant = fixtures.tenant(Tier.PRO);
    Api.Response r =
        api.post(
            "/api/v1/status-pages",
            tenant.key(),
            StatusPagesApiTest.page(
                "inc-" + UUID.randomUUID().toString().substring(0, 8), StatusPagesApiTest.MANUAL));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    page = r.json();
  }

  String component(int i) {
    return page.path("components").get(i).path("id").asString();
  }

  static void subscribe(JdbcClient jdbc, UUID pageId, String email, boolean confirmed) {
    jdbc.sql(
            """
            INSERT INTO status_subscribers (id, page_id, email, token_hash, created_at, confirmed_at)
            VALUES (:id, :page_id, :email, :hash, now(), CASE WHEN :confirmed THEN now() END)
            """)
        .param("id", UUID.randomUUID())
        .param("page_id", pageId)
        .param("email", email)
        .param("hash", UUID.randomUUID().toString().getBytes())
        .param("confirmed", confirmed)
        .update();
  }

  @Test
  void
      an_incident_is_opened_updated_to_resolved_and_its_notified_updates_reach_confirmed_subscribers() {
    UUID pageId = UUID.fromString(page.path("id").asString());
    String confirmed = "reader-" + UUID.randomUUID() + "@example.com";
    String unconfirmed = "maybe-" + UUID.randomUUID() + "@example.com";
    subscribe(jdbc, pageId, confirmed, true);
    subscribe(jdbc, pageId, unconfirmed, false);

    Api.Response opened =
        api.post(
            "/api/v1/incidents",
            tenant.key(),
            "{\"title\": \"Slow API\", \"impact\": \"major\", \"message\": \"Requests are slow.\","
                + " \"notify\": true, \"component_ids\": [\"%s\"]}".formatted(component(0)));
    assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
    JsonNode incident = opened.json();
    String id = incident.path("id").asString();
    assertThat(incident.path("status").asString()).isEqualTo("investigating");
    assertThat(incident.path("components").get(0).path("name").asString()).isEqualTo("API");
    assertThat(incident.path("updates").get(0).path("message").asString())
        .isEqualTo("Requests are slow.");
    assertThat(incident.path("updates").get(0).path("notify").asBoolean()).isTrue();

    Sink.await(
        Duration.ofSeconds(20),
        "the update mailed to the confirmed subscriber",
        () -> !new Mailbox(jdbc).to(confirmed).isEmpty());
    Mailbox.Message mail = new Mailbox(jdbc).latestTo(confirmed);
    assertThat(mail.subject()).contains("Slow API").contains("Investigating");
    assertThat(mail.body())
        .contains("Requests are slow.")
        .contains("/status/")
        .contains("Unsubscribe");
    assertThat(new Mailbox(jdbc).to(unconfirmed)).isEmpty();

    for (String status : new String[] {"identified", "monitoring"}) {
      Api.Response u =
          api.post(
              "/api/v1/incidents/" + id + "/updates",
              tenant.key(),
              "{\"status\": \"%s\", \"message\": \"Now %s.\"}".formatted(status, status));
      assertThat(u.status()).as(u.toString()).isEqualTo(201);
      assertThat(u.json().path("status").asString()).isEqualTo(status);
    }
    Api.Response resolved =
        api.post(
            "/api/v1/incidents/" + id + "/updates",
            tenant.key(),
            "{\"status\": \"resolved\", \"message\": \"All good.\", \"notify\": true}");
    assertThat(resolved.json().path("resolved_at").isNull()).isFalse();
    assertThat(resolved.json().path("updates").size()).isEqualTo(4);
    Sink.await(
        Duration.ofSeconds(20),
        "the resolution mailed",
        () -> new Mailbox(jdbc).to(confirmed).size() == 2);

    assertThat(api.get("/api/v1/incidents?state=open", tenant.key()).json().path("data").size())
        .isZero();
    assertThat(api.get("/api/v1/incidents?state=resolved", tenant.key()).json().path("data").size())
        .isEqualTo(1);
  }

  @Test
  void maintenance_is_scheduled_with_its_window_and_moves_on_by_itself(
      @Autowired IncidentAutomation automation) {
    Instant start = Instant.now().plusSeconds(3600);
    Api.Response m =
        api.post(
            "/api/v1/incidents",
            tenant.key(),
            "{\"kind\": \"maintenance\", \"title\": \"Database upgrade\", \"starts_at\": \"%s\","
                    .formatted(start)
                + " \"ends_at\": \"%s\", \"component_ids\": [\"%s\"]}"
                    .formatted(start.plusSeconds(1800), component(1)));
    assertThat(m.status()).as(m.toString()).isEqualTo(201);
    assertThat(m.json().path("status").asString()).isEqualTo("scheduled");
    assertThat(m.json().path("impact").asString()).isEqualTo("none");
    String id = m.json().path("id").asString();

    automation.runOnce(jdbc, start.plusSeconds(60));
    assertThat(api.get("/api/v1/incidents/" + id, tenant.key()).json().path("status").asString())
        .isEqualTo("in_progress");
    automation.runOnce(jdbc, start.plusSeconds(1900));
    JsonNode done = api.get("/api/v1/incidents/" + id, tenant.key()).json();
    assertThat(done.path("status").asString()).isEqualTo("completed");
    assertThat(done.path("resolved_at").isNull()).isFalse();
    assertThat(done.path("updates").size()).isEqualTo(3);
  }

  @Test
  void bad_incidents_and_updates_are_422_naming_the_fields() {
    Api.Response r =
        api.post(
            "/api/v1/incidents",
            tenant.key(),
            "{\"title\": \"\", \"impact\": \"apocalyptic\", \"status\": \"scheduled\","
                + " \"component_ids\": [\"%s\"]}".formatted(UUID.randomUUID()));
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(StatusPagesApiTest.fields(r))
        .containsExactlyInAnyOrder("title", "impact", "status", "component_ids");
    Api.Response m =
        api.post(
            "/api/v1/incidents",
            tenant.key(),
            "{\"kind\": \"maintenance\", \"title\": \"x\", \"starts_at\": \"2030-01-02T00:00:00Z\","
                + " \"ends_at\": \"2030-01-01T00:00:00Z\"}");
    assertThat(StatusPagesApiTest.fields(m)).containsExactly("ends_at");
    String id =
        api.post("/api/v1/incidents", tenant.key(), "{\"title\": \"Down\"}")
            .json()
            .path("id")
            .asString();
    Api.Response u =
        api.post(
            "/api/v1/incidents/" + id + "/updates",
            tenant.key(),
            "{\"status\": \"completed\", \"message\": \"\"}");
    assertThat(u.status()).isEqualTo(422);
    assertThat(StatusPagesApiTest.fields(u)).containsExactlyInAnyOrder("status", "message");
    Fixtures.Tenant other = fixtures.tenant();
    assertThat(api.get("/api/v1/incidents/" + id, other.key()).status()).isEqualTo(404);
    assertThat(
            api.post(
                    "/api/v1/incidents/" + id + "/updates",
                    other.key(),
                    "{\"message\": \"mine now\"}")
                .status())
        .isEqualTo(404);
  }
}
