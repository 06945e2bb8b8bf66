package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Organizations;
import eu.runlater.organizations.Tier;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import eu.runlater.testing.StandardWebhooksVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** One-time jobs through the API, delivered by the running engine to a real HTTP target. */
class JobsApiTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;
  @Autowired Organizations organizations;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private String job(String name, String schedule) {
    return """
        {"name": "%s", "url": "%s", "method": "POST", "body": {"hello": "world"},
         "schedule": %s}
        """
        .formatted(name, sink.url("/" + name), schedule);
  }

  private JsonNode awaitJob(String key, String id, String status) {
    JsonNode[] last = new JsonNode[1];
    Sink.await(
        WAIT,
        "job " + id + " to be " + status,
        () -> {
          last[0] = api.get("/api/v1/jobs/" + id, key).json();
          return status.equals(last[0].get("status").asString());
        });
    return last[0];
  }

  @Test
  void a_one_time_job_with_a_delay_is_delivered_signed_and_its_execution_recorded() {
    var tenant = fixtures.tenant();
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            job("welcome", "{\"type\": \"once\", \"delay\": \"1s\"}"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode job = created.json();
    String id = job.get("id").asString();
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + id);
    assertThat(job.get("status").asString()).isEqualTo("scheduled");
    assertThat(job.get("method").asString()).isEqualTo("POST");
    assertThat(job.get("headers").get("Content-Type").asString()).isEqualTo("application/json");
    assertThat(job.get("retries").asInt()).isEqualTo(5);
    Instant due = Instant.parse(job.get("next_run_at").asString());

    sink.awaitCount(1, WAIT);
    Sink.Received r = sink.received().getFirst();
    assertThat(r.at()).isAfterOrEqualTo(due);
    assertThat(new String(r.body())).isEqualTo("{\"hello\":\"world\"}");
    assertThat(r.header("Runlater-Job-Id")).isEqualTo(id);
    String secret = organizations.signingSecrets(tenant.id()).getFirst();
    assertThat(
            new StandardWebhooksVerifier(secret)
                .verify(
                    r.header("webhook-id"),
                    r.header("webhook-timestamp"),
                    r.header("webhook-signature"),
                    r.body()))
        .isTrue();

    JsonNode done = awaitJob(tenant.key(), id, "succeeded");
    assertThat(done.get("next_run_at").isNull()).isTrue();
    String executionId = done.get("last_execution").get("id").asString();

    var executions = api.get("/api/v1/jobs/" + id + "/executions", tenant.key()).json();
    assertThat(executions.get("data")).hasSize(1);
    var execution = api.get("/api/v1/executions/" + executionId, tenant.key()).json();
    assertThat(execution.get("status").asString()).isEqualTo("success");
    assertThat(execution.get("final").asBoolean()).isTrue();
    assertThat(execution.get("status_code").asInt()).isEqualTo(200);
    assertThat(execution.get("job_id").asString()).isEqualTo(id);
    assertThat(execution.get("request").get("url").asString()).isEqualTo(sink.url("/welcome"));
    assertThat(execution.get("request").get("body").asString()).isEqualTo("{\"hello\":\"world\"}");
    assertThat(execution.get("lateness_ms").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(execution.get("attempts")).hasSize(1);
    // The history shows every header of ours as sent, those it made again from the row included.
    var shown = new java.util.HashMap<String, String>();
    execution
        .get("request")
        .get("headers")
        .forEach(h -> shown.put(h.get("name").asString(), h.get("value").asString()));
    for (String name :
        List.of(
            "User-Agent",
            "webhook-id",
            "webhook-timestamp",
            "Runlater-Job-Id",
            "Runlater-Task-Id",
            "Runlater-Execution-Id",
            "Runlater-Attempt",
            "traceparent")) {
      assertThat(shown.get(name)).as(name).isNotNull().isEqualTo(r.header(name));
    }
  }

  @Test
  void an_at_schedule_runs_at_that_time() {
    var tenant = fixtures.tenant();
    Instant at = Instant.now().plusSeconds(2);
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            job("at", "{\"type\": \"once\", \"at\": \"" + at + "\"}"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    sink.awaitCount(1, WAIT);
    assertThat(sink.received().getFirst().at()).isAfterOrEqualTo(at);
  }

  @Test
  void a_one_time_job_keeps_the_zone_its_time_was_given_in() {
    var tenant = fixtures.tenant();
    java.time.LocalDateTime local =
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
            .plusMonths(1)
            .truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            job(
                "local",
                "{\"type\": \"once\", \"at\": \"" + local + "\", \"timezone\": \"asia/tokyo\"}"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode schedule = created.json().get("schedule");
    // A local time is read in the zone; the zone is kept (canonically spelled) beside the instant.
    assertThat(Instant.parse(schedule.get("at").asString()))
        .isEqualTo(local.atZone(java.time.ZoneId.of("Asia/Tokyo")).toInstant());
    assertThat(schedule.get("timezone").asString()).isEqualTo("Asia/Tokyo");
    assertThat(created.json().get("next_run_at").asString())
        .isEqualTo(schedule.get("at").asString());

    // An RFC 3339 time is taken as given; the zone is where it is shown.
    Instant exact =
        Instant.now().plusSeconds(3_600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    var offset =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            job(
                "offset",
                "{\"type\": \"once\", \"at\": \""
                    + exact
                    + "\", \"timezone\": \"America/Sao_Paulo\"}"));
    assertThat(offset.status()).as(offset.body()).isEqualTo(201);
    assertThat(Instant.parse(offset.json().get("schedule").get("at").asString())).isEqualTo(exact);
    assertThat(offset.json().get("schedule").get("timezone").asString())
        .isEqualTo("America/Sao_Paulo");

    // Without a zone, as before: none is reported.
    var plain =
        api.post(
            "/api/v1/jobs", tenant.key(), job("plain", "{\"type\": \"once\", \"delay\": \"1h\"}"));
    JsonNode plainZone = plain.json().get("schedule").path("timezone");
    assertThat(plainZone.isNull() || plainZone.isMissingNode()).as(plain.body()).isTrue();

    String id = created.json().get("id").asString();
    assertThat(
            api.get("/api/v1/jobs/" + id, tenant.key())
                .json()
                .get("schedule")
                .get("timezone")
                .asString())
        .isEqualTo("Asia/Tokyo");
  }

  @Test
  void failed_deliveries_are_retried_and_each_attempt_is_an_execution() {
    AtomicInteger calls = new AtomicInteger();
    sink.respond(r -> Reply.status(calls.incrementAndGet() < 3 ? 500 : 200));
    var tenant = fixtures.tenant();
    String id =
        api.post(
                "/api/v1/jobs",
                tenant.key(),
                job("flaky", "{\"type\": \"once\", \"delay\": \"0s\"}"))
            .json()
            .get("id")
            .asString();
    JsonNode done = awaitJob(tenant.key(), id, "succeeded");
    var executions = api.get("/api/v1/jobs/" + id + "/executions", tenant.key()).json().get("data");
    List<String> statuses = new ArrayList<>();
    executions.forEach(e -> statuses.add(e.get("status").asString()));
    assertThat(statuses).containsExactly("success", "failed", "failed");
    var detail =
        api.get(
                "/api/v1/executions/" + done.get("last_execution").get("id").asString(),
                tenant.key())
            .json();
    assertThat(detail.get("attempts")).hasSize(3);
    assertThat(detail.get("attempt").asInt()).isEqualTo(3);
  }

  @Test
  void a_job_can_be_triggered_now_and_an_execution_retried() {
    sink.respond(r -> Reply.status(404));
    var tenant = fixtures.tenant();
    String id =
        api.post(
                "/api/v1/jobs",
                tenant.key(),
                job("manual", "{\"type\": \"once\", \"delay\": \"1h\"}"))
            .json()
            .get("id")
            .asString();
    var triggered = api.post("/api/v1/jobs/" + id + "/trigger", tenant.key(), null);
    assertThat(triggered.status()).isEqualTo(202);
    sink.awaitCount(1, WAIT);
    JsonNode[] executions = new JsonNode[1];
    Sink.await(
        WAIT,
        "the triggered run's execution",
        () -> {
          executions[0] =
              api.get("/api/v1/jobs/" + id + "/executions", tenant.key()).json().get("data");
          return executions[0].size() == 1;
        });
    assertThat(executions[0].get(0).get("status").asString()).isEqualTo("failed");
    assertThat(executions[0].get(0).get("status_code").asInt()).isEqualTo(404);
    // The scheduled run an hour from now is still there.
    assertThat(api.get("/api/v1/jobs/" + id, tenant.key()).json().get("status").asString())
        .isEqualTo("scheduled");

    sink.respond(r -> Reply.status(200));
    var retried =
        api.post(
            "/api/v1/executions/" + executions[0].get(0).get("id").asString() + "/retry",
            tenant.key(),
            null);
    assertThat(retried.status()).isEqualTo(202);
    sink.awaitCount(2, WAIT);
    assertThat(sink.received().get(1).body()).isEqualTo(sink.received().get(0).body());
  }

  @Test
  void patching_a_job_replaces_its_waiting_run_and_keeps_unchanged_fields() {
    var tenant = fixtures.tenant();
    String id =
        api.post(
                "/api/v1/jobs",
                tenant.key(),
                job("edit", "{\"type\": \"once\", \"delay\": \"1h\"}"))
            .json()
            .get("id")
            .asString();
    String taskBefore = pendingTask(id);

    var renamed =
        api.patch(
            "/api/v1/jobs/" + id, tenant.key(), "{\"name\": \"Edited\", \"timeout_ms\": 5000}");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().get("name").asString()).isEqualTo("Edited");
    assertThat(renamed.json().get("timeout_ms").asInt()).isEqualTo(5000);
    assertThat(renamed.json().get("url").asString()).isEqualTo(sink.url("/edit"));
    assertThat(renamed.json().get("status").asString()).isEqualTo("scheduled");
    assertThat(pendingTask(id)).isNotEqualTo(taskBefore);
    assertThat(count("SELECT count(*) FROM tasks WHERE source_id = '" + id + "'")).isEqualTo(1);
    assertThat(count("SELECT timeout_ms FROM tasks WHERE source_id = '" + id + "'"))
        .isEqualTo(5000);

    var moved =
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            "{\"schedule\": {\"type\": \"once\", \"delay\": \"1s\"}}");
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    sink.awaitCount(1, WAIT);
    assertThat(sink.received().getFirst().path()).isEqualTo("/edit");
    awaitJob(tenant.key(), id, "succeeded");

    // Renaming a job whose run is over does not run it again.
    api.patch("/api/v1/jobs/" + id, tenant.key(), "{\"name\": \"Renamed later\"}");
    assertThat(count("SELECT count(*) FROM tasks WHERE source_id = '" + id + "'")).isZero();
  }

  @Test
  void a_copy_of_a_one_time_job_whose_time_has_passed_is_created_disabled_and_does_not_run() {
    var tenant = fixtures.tenant();
    String id =
        api.post(
                "/api/v1/jobs",
                tenant.key(),
                job("charge", "{\"type\": \"once\", \"delay\": \"0s\"}"))
            .json()
            .get("id")
            .asString();
    awaitJob(tenant.key(), id, "succeeded");

    var copy = api.post("/api/v1/jobs/" + id + "/clone", tenant.key(), null);
    assertThat(copy.status()).as(copy.body()).isEqualTo(201);
    String copyId = copy.json().get("id").asString();
    assertThat(copy.json().get("name").asString()).isEqualTo("Copy of charge");
    assertThat(copy.json().get("enabled").asBoolean()).isFalse();
    assertThat(copy.json().get("status").asString()).isEqualTo("paused");
    assertThat(copy.json().get("next_run_at").isNull()).isTrue();
    assertThat(
            count(
                "SELECT count(*) FROM jobs WHERE pending_task_id IS NOT NULL AND id = '"
                    + copyId
                    + "'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM tasks WHERE source_id = '" + copyId + "'")).isZero();

    // A one-time job still to come is copied as it is: enabled, at the same time.
    String later =
        api.post(
                "/api/v1/jobs",
                tenant.key(),
                job("later", "{\"type\": \"once\", \"delay\": \"1h\"}"))
            .json()
            .get("id")
            .asString();
    JsonNode original = api.get("/api/v1/jobs/" + later, tenant.key()).json();
    JsonNode laterCopy = api.post("/api/v1/jobs/" + later + "/clone", tenant.key(), null).json();
    assertThat(laterCopy.get("enabled").asBoolean()).isTrue();
    assertThat(laterCopy.get("status").asString()).isEqualTo("scheduled");
    assertThat(laterCopy.get("schedule").get("at").asString())
        .isEqualTo(original.get("schedule").get("at").asString());
  }

  @Test
  void deleting_a_job_removes_its_waiting_run() {
    var tenant = fixtures.tenant();
    String id =
        api.post(
                "/api/v1/jobs",
                tenant.key(),
                job("doomed", "{\"type\": \"once\", \"delay\": \"2s\"}"))
            .json()
            .get("id")
            .asString();
    assertThat(api.delete("/api/v1/jobs/" + id, tenant.key()).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/jobs/" + id, tenant.key()).status()).isEqualTo(404);
    assertThat(count("SELECT count(*) FROM tasks WHERE source_id = '" + id + "'")).isZero();
  }

  @Test
  void jobs_are_listed_newest_first_with_cursor_pages_and_filters() {
    var tenant = fixtures.tenant();
    for (int i = 0; i < 5; i++) {
      api.post(
          "/api/v1/jobs",
          tenant.key(),
          """
          {"name": "job-%d", "key": "k-%d", "url": "%s", "schedule": {"type": "once", "delay": "1h"},
           "enabled": %s}
          """
              .formatted(i, i, sink.url("/x"), i % 2 == 0));
    }
    var first = api.get("/api/v1/jobs?limit=2", tenant.key()).json();
    assertThat(first.get("data"))
        .extracting(j -> j.get("name").asString())
        .containsExactly("job-4", "job-3");
    var second =
        api.get("/api/v1/jobs?limit=2&cursor=" + first.get("next_cursor").asString(), tenant.key())
            .json();
    assertThat(second.get("data"))
        .extracting(j -> j.get("name").asString())
        .containsExactly("job-2", "job-1");
    var third =
        api.get("/api/v1/jobs?limit=2&cursor=" + second.get("next_cursor").asString(), tenant.key())
            .json();
    assertThat(third.get("data"))
        .extracting(j -> j.get("name").asString())
        .containsExactly("job-0");
    assertThat(third.get("next_cursor").isNull()).isTrue();

    assertThat(api.get("/api/v1/jobs?enabled=false", tenant.key()).json().get("data")).hasSize(2);
    assertThat(api.get("/api/v1/jobs?key=k-3", tenant.key()).json().get("data")).hasSize(1);
    assertThat(api.get("/api/v1/jobs?q=JOB-1", tenant.key()).json().get("data")).hasSize(1);
    assertThat(
            api.get("/api/v1/jobs?enabled=false", tenant.key())
                .json()
                .get("data")
                .get(0)
                .get("status")
                .asString())
        .isEqualTo("paused");
    assertThat(api.get("/api/v1/jobs?limit=0", tenant.key()).status()).isEqualTo(422);
    assertThat(api.get("/api/v1/jobs?cursor=garbage", tenant.key()).status()).isEqualTo(422);
  }

  @Test
  void another_organizations_jobs_and_executions_answer_404_everywhere() {
    var owner = fixtures.tenant();
    var other = fixtures.tenant();
    String id =
        api.post(
                "/api/v1/jobs", owner.key(), job("mine", "{\"type\": \"once\", \"delay\": \"0s\"}"))
            .json()
            .get("id")
            .asString();
    String executionId =
        awaitJob(owner.key(), id, "succeeded").get("last_execution").get("id").asString();
    String key = other.key();
    assertThat(api.get("/api/v1/jobs/" + id, key).status()).isEqualTo(404);
    assertThat(api.patch("/api/v1/jobs/" + id, key, "{\"name\": \"x\"}").status()).isEqualTo(404);
    assertThat(api.post("/api/v1/jobs/" + id + "/trigger", key, null).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs/" + id + "/executions", key).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/executions/" + executionId, key).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/executions/" + executionId + "/retry", key, null).status())
        .isEqualTo(404);
    assertThat(api.delete("/api/v1/jobs/" + id, key).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs", key).json().get("data")).isEmpty();
    assertThat(api.get("/api/v1/jobs/" + id, owner.key()).status()).isEqualTo(200);
  }

  @Test
  void secret_headers_are_masked_in_every_answer_and_absent_from_every_table() {
    var tenant = fixtures.tenant();
    String secret = "Bearer sk-very-secret-" + Instant.now().toEpochMilli();
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "secret", "url": "%s", "headers": {"Authorization": "%s", "X-Shard": "eu-7"},
             "secret_headers": ["X-Shard"], "body": "card=4242-4242", "secret_body": true,
             "schedule": {"type": "once", "delay": "0s"}}
            """
                .formatted(sink.url("/secret"), secret));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).doesNotContain(secret).doesNotContain("eu-7").doesNotContain("4242");
    String id = created.json().get("id").asString();
    sink.awaitCount(1, WAIT);
    assertThat(sink.received().getFirst().header("Authorization")).isEqualTo(secret);
    assertThat(sink.received().getFirst().header("X-Shard")).isEqualTo("eu-7");
    assertThat(new String(sink.received().getFirst().body())).isEqualTo("card=4242-4242");
    String executionId =
        awaitJob(tenant.key(), id, "succeeded").get("last_execution").get("id").asString();
    String detail = api.get("/api/v1/executions/" + executionId, tenant.key()).body();
    assertThat(detail).doesNotContain(secret).doesNotContain("eu-7").doesNotContain("4242");

    // What a plain dump of the database would show: every row of every table, as text.
    String hex = java.util.HexFormat.of().formatHex(secret.getBytes());
    List<String> tables =
        jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            .query(String.class)
            .list();
    for (String table : tables) {
      String rows =
          jdbc.sql("SELECT coalesce(string_agg(t::text, ' '), '') FROM " + table + " t")
              .query(String.class)
              .single();
      assertThat(rows)
          .as(table)
          .doesNotContain(secret)
          .doesNotContain(hex)
          .doesNotContain("4242-4242");
    }
  }

  @Test
  void the_free_tier_stops_at_five_jobs() {
    var tenant = fixtures.tenant(Tier.FREE);
    for (int i = 0; i < 5; i++) {
      assertThat(
              api.post(
                      "/api/v1/jobs",
                      tenant.key(),
                      job("j" + i, "{\"type\": \"once\", \"delay\": \"1h\"}"))
                  .status())
          .isEqualTo(201);
    }
    var refused =
        api.post(
            "/api/v1/jobs", tenant.key(), job("j6", "{\"type\": \"once\", \"delay\": \"1h\"}"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("detail").asString()).contains("5 jobs");
  }

  @Test
  void a_create_answers_exactly_what_reading_the_job_back_answers() {
    var tenant = fixtures.tenant();
    // The create answers from what it inserted; a run held by its target, or moved by its
    // throttle, is read back instead.
    jdbc.sql(
            """
            INSERT INTO host_states (organization_id, host, consecutive_failures, circuit,
                                     opened_at, reopen_at, open_count, last_error, updated_at)
            VALUES (:org, 'https://held.example.test:443', 5, 'open', now() - interval '5 minutes',
                    now() + interval '30 minutes', 1, 'connection refused', now()),
                   (:org, 'https://slow.example.test:443', 0, 'closed', NULL, NULL, 0,
                    '429 Too Many Requests', now())
            """)
        .param("org", tenant.id())
        .update();
    jdbc.sql(
            "UPDATE host_states SET throttled_until = now() + interval '10 minutes'"
                + " WHERE organization_id = :org AND host = 'https://slow.example.test:443'")
        .param("org", tenant.id())
        .update();
    // Nanoseconds, which PostgreSQL does not keep.
    Instant nanos =
        Instant.now()
            .plus(Duration.ofDays(20))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .plusNanos(123_456_789);
    List<String> bodies =
        List.of(
            job("delay", "{\"type\": \"once\", \"delay\": \"90s\"}"),
            job("at-nanos", "{\"type\": \"once\", \"at\": \"" + nanos + "\"}"),
            job(
                "at-zone",
                "{\"type\": \"once\", \"at\": \""
                    + java.time.LocalDateTime.ofInstant(nanos, java.time.ZoneOffset.UTC)
                    + "\", \"timezone\": \"Europe/Oslo\"}"),
            job(
                "cron",
                "{\"type\": \"cron\", \"expression\": \"*/5 * * * *\","
                    + " \"timezone\": \"Europe/Oslo\"}"),
            """
            {"name": "keyed, paused, secret", "key": "exact-1", "url": "%s", "enabled": false,
             "headers": {"Authorization": "Bearer x", "X-Shard": "eu-7"},
             "secret_headers": ["Authorization"], "body": "b=1", "secret_body": true,
             "retries": 2, "timeout_ms": 7000, "schedule": {"type": "once", "delay": "1h"}}
            """
                .formatted(sink.url("/keyed")),
            """
            {"name": "due now", "url": "%s", "schedule": {"type": "once", "delay": "0s"}}
            """
                .formatted(sink.url("/now")),
            """
            {"name": "held", "url": "https://held.example.test/hook",
             "schedule": {"type": "once", "delay": "1h"}}
            """,
            """
            {"name": "throttled", "url": "https://slow.example.test/hook",
             "schedule": {"type": "once", "delay": "90s"}}
            """);
    for (String body : bodies) {
      var created = api.post("/api/v1/jobs", tenant.key(), body);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String id = created.json().get("id").asString();
      JsonNode read = api.get("/api/v1/jobs/" + id, tenant.key()).json();
      if (!read.get("name").asString().equals("due now")) {
        assertThat(created.json()).as(body).isEqualTo(read);
      }
    }
  }

  private String pendingTask(String jobId) {
    return jdbc.sql("SELECT pending_task_id::text FROM jobs WHERE id = :id::uuid")
        .param("id", jobId)
        .query(String.class)
        .single();
  }

  private long count(String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }
}
