package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /api/v1/maintenance-windows over HTTP. */
class MaintenanceWindowsApiTest extends ServerTest {
  Fixtures.Tenant tenant;

  @BeforeEach
  void setUp() {
    tenant = fixtures.tenant();
  }

  @Test
  void one_off_and_recurring_windows_are_created_listed_replaced_and_deleted() {
    Instant start = Instant.now().minusSeconds(60);
    Api.Response oneOff =
        api.post(
            "/api/v1/maintenance-windows",
            tenant.key(),
            "{\"name\": \"upgrade\", \"starts_at\": \"%s\", \"ends_at\": \"%s\"}"
                .formatted(start, start.plusSeconds(3600)));
    assertThat(oneOff.status()).as(oneOff.toString()).isEqualTo(201);
    assertThat(oneOff.json().path("active_now").asBoolean()).isTrue();
    Api.Response nightly =
        api.post(
            "/api/v1/maintenance-windows",
            tenant.key(),
            "{\"name\": \"backups\", \"cron\": \"30 2 * * *\", \"time_zone\": \"Europe/Oslo\","
                + " \"duration_seconds\": 3600}");
    assertThat(nightly.status()).as(nightly.toString()).isEqualTo(201);
    assertThat(nightly.json().path("next_start").isNull()).isFalse();
    assertThat(api.get("/api/v1/maintenance-windows", tenant.key()).json().size()).isEqualTo(2);
    String id = nightly.json().path("id").asString();
    Api.Response replaced =
        api.put(
            "/api/v1/maintenance-windows/" + id,
            tenant.key(),
            "{\"name\": \"backups\", \"cron\": \"0 4 * * 0\", \"time_zone\": \"UTC\","
                + " \"duration_seconds\": 600}");
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.json().path("duration_seconds").asInt()).isEqualTo(600);
    assertThat(api.delete("/api/v1/maintenance-windows/" + id, tenant.key()).status())
        .isEqualTo(204);
    assertThat(api.get("/api/v1/maintenance-windows/" + id, tenant.key()).status()).isEqualTo(404);
  }

  @Test
  void bad_windows_are_422_naming_the_fields() {
    Api.Response r =
        api.post(
            "/api/v1/maintenance-windows",
            tenant.key(),
            "{\"name\": \"x\", \"cron\": \"every night\", \"time_zone\": \"Nowhere/Else\","
                + " \"duration_seconds\": 30}");
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(RulesApiTest.fields(r))
        .containsExactlyInAnyOrder("cron", "time_zone", "duration_seconds");
    Api.Response backwards =
        api.post(
            "/api/v1/maintenance-windows",
            tenant.key(),
            "{\"name\": \"x\", \"starts_at\": \"2030-01-02T00:00:00Z\","
                + " \"ends_at\": \"2030-01-01T00:00:00Z\"}");
    assertThat(backwards.status()).isEqualTo(422);
    assertThat(RulesApiTest.fields(backwards)).containsExactly("ends_at");
    Api.Response badTime =
        api.post(
            "/api/v1/maintenance-windows",
            tenant.key(),
            "{\"name\": \"x\", \"starts_at\": \"tomorrow\", \"ends_at\": \"2030-01-01T00:00:00Z\"}");
    assertThat(RulesApiTest.fields(badTime)).containsExactly("starts_at");
    assertThat(
            api.put(
                    "/api/v1/maintenance-windows/" + UUID.randomUUID(),
                    tenant.key(),
                    "{\"name\": \"x\", \"starts_at\": \"2030-01-01T00:00:00Z\","
                        + " \"ends_at\": \"2030-01-02T00:00:00Z\"}")
                .status())
        .isEqualTo(404);
  }
}
