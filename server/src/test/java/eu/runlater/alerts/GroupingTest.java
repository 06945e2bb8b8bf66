package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The whole path, on the real engine: jobs fail against a local target, their outcomes open
 * incidents, the dispatcher groups them, and the real channel sender delivers one webhook per group
 * to a local sink.
 */
@org.junit.jupiter.api.Tag(eu.runlater.support.ServerTest.ALONE)
class GroupingTest extends ServerTest {
  static final Duration WITHIN = Duration.ofSeconds(20);

  @Autowired JdbcClient jdbc;
  final Sink target = Sink.start().respond(r -> Sink.Reply.status(500));
  final Sink hooks = Sink.start();
  Fixtures.Tenant tenant;

  @BeforeEach
  void setUp() {
    tenant = fixtures.tenant();
    Api.Response channel =
        api.post(
            "/api/v1/alert-channels",
            tenant.key(),
            "{\"name\":\"hook\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + hooks.url("/alerts")
                + "\"}}");
    assertThat(channel.status()).as(channel.toString()).isEqualTo(201);
  }

  @AfterEach
  void tearDown() {
    target.close();
    hooks.close();
  }

  private String job(String name, Instant at) {
    Api.Response r =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "%s", "url": "%s", "retries": 0,
             "schedule": {"type": "once", "at": "%s"}}
            """
                .formatted(name, target.url("/" + name), at));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().path("id").asString();
  }

  static JsonNode body(Sink.Received r) {
    return Api.JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
  }

  @Test
  void many_jobs_failing_together_are_one_message_and_later_failures_one_follow_up() {
    Api.Response window =
        api.put("/api/v1/alert-rules/default", tenant.key(), "{\"group_window_seconds\": 5}");
    assertThat(window.status()).as(window.toString()).isEqualTo(200);
    Instant at = Instant.now().plusSeconds(2);
    for (int i = 0; i < 12; i++) {
      job("nightly-" + i, at);
    }
    hooks.awaitCount(1, WITHIN);
    Sink.Received first = hooks.received().getFirst();
    JsonNode alert = body(first);
    assertThat(alert.path("type").asString()).isEqualTo("alert.opened");
    assertThat(alert.path("incidents").size()).isEqualTo(12);
    assertThat(alert.path("headline").asString()).startsWith("12 jobs are failing: nightly-");
    Duration firstDelay = Duration.between(at, first.at());
    assertThat(firstDelay).as("first alert after the failures").isLessThan(Duration.ofSeconds(5));

    // Three more fail within the window: they wait for its end and go together.
    Instant later = Instant.now().plusSeconds(1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(job("late-" + i, later));
    }
    hooks.awaitCount(2, WITHIN);
    JsonNode followUp = body(hooks.received().get(1));
    assertThat(followUp.path("incidents").size()).isEqualTo(3);
    assertThat(followUp.path("headline").asString()).startsWith("3 jobs are failing: late-");
    assertThat(Duration.between(first.at(), hooks.received().get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    Sink.await(
        WITHIN,
        "the outbox to empty",
        () ->
            jdbc.sql("SELECT count(*) FROM alert_pending WHERE organization_id = :org")
                    .param("org", tenant.id())
                    .query(Long.class)
                    .single()
                == 0);
    assertThat(
            jdbc.sql("SELECT count(*) FROM alert_notifications WHERE organization_id = :org")
                .param("org", tenant.id())
                .query(Long.class)
                .single())
        .isEqualTo(2);
    assertThat(hooks.count()).isEqualTo(2);
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM alert_incidents WHERE organization_id = :org"
                        + " AND state = 'open' AND last_alert_at IS NOT NULL"
                        + " AND subject_name <> ''")
                .param("org", tenant.id())
                .query(Long.class)
                .single())
        .isEqualTo(15);
  }

  @Test
  void a_job_that_works_again_sends_one_recovery_saying_how_long_it_was_down() {
    api.put("/api/v1/alert-rules/default", tenant.key(), "{\"group_window_seconds\": 0}");
    String id = job("flaky", Instant.now().plusSeconds(1));
    hooks.awaitCount(1, WITHIN);
    assertThat(body(hooks.received().getFirst()).path("headline").asString())
        .isEqualTo("flaky is failing");
    target.respond(r -> Sink.Reply.status(200));
    Api.Response run = api.post("/api/v1/jobs/" + id + "/trigger", tenant.key(), "{}");
    assertThat(run.status()).as(run.toString()).isBetween(200, 202);
    hooks.awaitCount(2, WITHIN);
    JsonNode recovery = body(hooks.received().get(1));
    assertThat(recovery.path("type").asString()).isEqualTo("alert.recovered");
    assertThat(recovery.path("headline").asString()).startsWith("flaky recovered after ");
  }
}
