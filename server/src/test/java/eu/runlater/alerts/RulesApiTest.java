package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /api/v1/alert-rules over HTTP: defaults, overrides, checks and unknown subjects. */
class RulesApiTest extends ServerTest {
  Fixtures.Tenant tenant;

  @BeforeEach
  void setUp() {
    tenant = fixtures.tenant();
  }

  static List<String> fields(Api.Response r) {
    List<String> fields = new ArrayList<>();
    r.json().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    return fields;
  }

  private String job() {
    Api.Response r =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "nightly-report", "url": "https://example.com/hook",
             "schedule": {"type": "cron", "expression": "0 3 * * *", "timezone": "UTC"}}
            """);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().path("id").asString();
  }

  @Test
  void the_defaults_start_built_in_and_take_what_is_put() {
    Api.Response got = api.get("/api/v1/alert-rules/default", tenant.key());
    assertThat(got.status()).isEqualTo(200);
    JsonNode effective = got.json().path("effective");
    assertThat(effective.path("trigger").asString()).isEqualTo("first_failure");
    assertThat(effective.path("recovery").asBoolean()).isTrue();
    assertThat(effective.path("realert_every_seconds").asInt()).isZero();
    assertThat(effective.path("group_window_seconds").asInt()).isEqualTo(60);
    assertThat(effective.path("channel_ids").isNull()).isTrue();

    Api.Response put =
        api.put(
            "/api/v1/alert-rules/default",
            tenant.key(),
            """
            {"trigger": "consecutive", "consecutive_failures": 4, "realert_every_seconds": 3600,
             "muted_until": "forever", "group_window_seconds": 30}
            """);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().path("rule").path("muted_until").asString()).isEqualTo("forever");
    assertThat(put.json().path("effective").path("consecutive_failures").asInt()).isEqualTo(4);
    assertThat(put.json().path("effective").path("recovery").asBoolean()).isTrue();
  }

  @Test
  void a_jobs_override_inherits_what_it_leaves_out_and_goes_back_on_delete() {
    String id = job();
    api.put("/api/v1/alert-rules/default", tenant.key(), "{\"realert_every_seconds\": 600}");
    Api.Response put =
        api.put(
            "/api/v1/alert-rules/jobs/" + id,
            tenant.key(),
            "{\"trigger\": \"failure_rate\", \"failure_rate_percent\": 20,"
                + " \"muted_until\": \"2031-01-01T00:00:00Z\"}");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    JsonNode effective = put.json().path("effective");
    assertThat(effective.path("trigger").asString()).isEqualTo("failure_rate");
    assertThat(effective.path("failure_rate_percent").asInt()).isEqualTo(20);
    assertThat(effective.path("failure_rate_window_seconds").asInt()).isEqualTo(600);
    assertThat(effective.path("realert_every_seconds").asInt()).isEqualTo(600);
    assertThat(effective.path("muted_until").asString()).isEqualTo("2031-01-01T00:00:00Z");
    assertThat(api.delete("/api/v1/alert-rules/jobs/" + id, tenant.key()).status()).isEqualTo(204);
    Api.Response after = api.get("/api/v1/alert-rules/jobs/" + id, tenant.key());
    assertThat(after.json().path("effective").path("trigger").asString())
        .isEqualTo("first_failure");
  }

  @Test
  void bad_values_are_422_naming_every_field_and_change_nothing() {
    String id = job();
    Api.Response r =
        api.put(
            "/api/v1/alert-rules/jobs/" + id,
            tenant.key(),
            """
            {"trigger": "sometimes", "consecutive_failures": 1, "failure_rate_percent": 101,
             "failure_rate_window_seconds": 5, "realert_every_seconds": 10,
             "channel_ids": ["%s"], "depth_above": 5, "group_window_seconds": 10}
            """
                .formatted(UUID.randomUUID()));
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(fields(r))
        .contains(
            "trigger",
            "consecutive_failures",
            "failure_rate_percent",
            "failure_rate_window_seconds",
            "realert_every_seconds",
            "channel_ids",
            "depth_above",
            "group_window_seconds");
    Api.Response muted =
        api.put("/api/v1/alert-rules/jobs/" + id, tenant.key(), "{\"muted_until\": \"soon\"}");
    assertThat(muted.status()).isEqualTo(422);
    assertThat(fields(muted)).containsExactly("muted_until");
    assertThat(
            api.get("/api/v1/alert-rules/jobs/" + id, tenant.key())
                .json()
                .path("rule")
                .path("trigger")
                .isNull())
        .isTrue();
  }

  @Test
  void failure_rate_is_refused_for_queues_and_queues_are_named_by_name() {
    Api.Response q = api.put("/api/v1/queues/emails", tenant.key(), "{}");
    assertThat(q.status()).as(q.toString()).isBetween(200, 201);
    Api.Response refused =
        api.put(
            "/api/v1/alert-rules/queues/emails", tenant.key(), "{\"trigger\": \"failure_rate\"}");
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().path("errors").get(0).path("message").asString())
        .isEqualTo("failure_rate applies to jobs and monitors");
    Api.Response ok =
        api.put(
            "/api/v1/alert-rules/queues/emails",
            tenant.key(),
            "{\"dead_letters\": false, \"depth_above\": 1000, \"oldest_waiting_seconds\": 600}");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    String queueId = ok.json().path("subject_id").asString();
    Api.Response byId = api.get("/api/v1/alert-rules/queues/" + queueId, tenant.key());
    assertThat(byId.status()).as("a queue named by its id").isEqualTo(200);
    assertThat(byId.json().path("rule").path("dead_letters").asBoolean(true)).isFalse();
    assertThat(ok.json().path("effective").path("depth_above").asInt()).isEqualTo(1000);
  }

  @Test
  void unknown_subjects_and_kinds_are_404() {
    assertThat(api.get("/api/v1/alert-rules/jobs/" + UUID.randomUUID(), tenant.key()).status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/alert-rules/queues/nope", tenant.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/alert-rules/widgets/x", tenant.key()).status()).isEqualTo(404);
    String id = job();
    Fixtures.Tenant other = fixtures.tenant();
    assertThat(api.get("/api/v1/alert-rules/jobs/" + id, other.key()).status())
        .as("another organization's job")
        .isEqualTo(404);
  }
}
