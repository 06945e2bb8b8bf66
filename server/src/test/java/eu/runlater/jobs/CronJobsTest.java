package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Tier;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Cron jobs through the API, on the running engine and the real clock. */
class CronJobsTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;
  @Autowired JobCommands commands;
  @Autowired JobReads reads;
  @Autowired org.springframework.transaction.PlatformTransactionManager transactions;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private String cronJob(String name, String expression, String extra) {
    return """
        {"name": "%s", "url": "%s", "schedule": {"type": "cron", "expression": "%s",
         "timezone": "Europe/Oslo"} %s}
        """
        .formatted(name, sink.url("/" + name.replace(" ", "-")), expression, extra);
  }

  private long pending(String jobId) {
    return jdbc.sql("SELECT count(*) FROM tasks WHERE source_id = :id::uuid AND state = 'ready'")
        .param("id", jobId)
        .query(Long.class)
        .single();
  }

  private List<Instant> scheduledRuns(String jobId) {
    return jdbc.sql(
            "SELECT scheduled_for FROM executions WHERE source_id = :id::uuid AND attempt > 0"
                + " ORDER BY scheduled_for")
        .param("id", jobId)
        .query((rs, n) -> rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
        .list();
  }

  /**
   * A job inserted when its first occurrence is already due (a large sync prepares all its jobs,
   * then inserts them): the insert hands that occurrence to a free worker in its own transaction,
   * and the claim hook, run there, must find the job to make the next occurrence. Before the jobs
   * were written ahead of their tasks, it found none, delivered the occurrence as a one-off, and
   * the job never ran again.
   */
  @Test
  void a_cron_job_inserted_when_its_first_occurrence_is_due_keeps_its_schedule() {
    var tenant = fixtures.tenant();
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            cronJob("late insert", "* * * * * *", ", \"enabled\": false"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Job paused =
        reads.get(tenant.id(), java.util.UUID.fromString(created.json().get("id").asString()));
    JobCommands.Prepared prepared =
        commands.prepare(tenant.id(), reads.draftOf(paused).withEnabled(true));
    Instant firstDue =
        prepared
            .job()
            .createdAt()
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .plusSeconds(1);
    Sink.await(
        Duration.ofSeconds(5),
        "the first occurrence due",
        () -> Instant.now().isAfter(firstDue.plusMillis(50)));

    var inserted =
        new org.springframework.transaction.support.TransactionTemplate(transactions)
            .execute(status -> commands.insertAll(List.of(prepared)));

    assertThat(inserted).singleElement().satisfies(c -> assertThat(c.refused()).isNull());
    // The first occurrence and at least two more, a second apart.
    sink.awaitCount(3, WAIT);
    assertThat(
            jdbc.sql("SELECT count(*) FROM tasks WHERE source_id = :id")
                .param("id", prepared.job().id())
                .query(Long.class)
                .single())
        .as("the job's next occurrence waits")
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void a_cron_job_runs_every_occurrence_once_and_always_has_its_next_one_waiting() {
    var tenant = fixtures.tenant();
    var created = api.post("/api/v1/jobs", tenant.key(), cronJob("tick", "* * * * * *", ""));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode job = created.json();
    String id = job.get("id").asString();
    assertThat(job.get("schedule").get("type").asString()).isEqualTo("cron");
    assertThat(job.get("schedule").get("expression").asString()).isEqualTo("* * * * * *");
    assertThat(job.get("schedule").get("timezone").asString()).isEqualTo("Europe/Oslo");
    assertThat(job.get("schedule").get("description").asString()).isNotBlank();
    assertThat(job.get("retries").asInt()).as("cron retries default to 0").isZero();
    assertThat(job.get("catch_up").asString()).isEqualTo("latest");
    assertThat(job.get("overlap").asString()).isEqualTo("allow");

    sink.awaitCount(4, WAIT);
    Sink.await(WAIT, "four recorded runs", () -> scheduledRuns(id).size() >= 4);
    assertThat(pending(id)).isEqualTo(1);
    List<Instant> runs = scheduledRuns(id);
    for (int i = 1; i < runs.size(); i++) {
      assertThat(Duration.between(runs.get(i - 1), runs.get(i))).isEqualTo(Duration.ofSeconds(1));
    }
    // Every delivery was due on a whole second and arrived after it.
    for (Sink.Received r : sink.received()) {
      assertThat(r.header("Runlater-Job-Id")).isEqualTo(id);
    }

    var timeline =
        api.get(
                "/api/v1/jobs/"
                    + id
                    + "/timeline?from="
                    + runs.getFirst().minusSeconds(1)
                    + "&to="
                    + runs.getLast().plusSeconds(30),
                tenant.key())
            .json();
    List<String> statuses = new ArrayList<>();
    timeline.get("entries").forEach(e -> statuses.add(e.get("status").asString()));
    assertThat(statuses.subList(0, 3)).containsOnly("ran");
    assertThat(statuses).contains("planned");
    JsonNode first = timeline.get("entries").get(0);
    assertThat(first.get("outcome").asString()).isEqualTo("success");
    assertThat(first.get("lateness_ms").asLong()).isBetween(0L, 5_000L);
    assertThat(first.get("planned").asBoolean()).isTrue();
  }

  @Test
  void pausing_removes_the_waiting_occurrence_and_resuming_plans_from_now() {
    var tenant = fixtures.tenant();
    String id =
        api.post("/api/v1/jobs", tenant.key(), cronJob("pausable", "0 0 * * *", ""))
            .json()
            .get("id")
            .asString();
    assertThat(pending(id)).isEqualTo(1);
    var paused = api.post("/api/v1/jobs/" + id + "/pause", tenant.key(), null);
    assertThat(paused.json().get("enabled").asBoolean()).isFalse();
    assertThat(paused.json().get("status").asString()).isEqualTo("paused");
    assertThat(pending(id)).isZero();

    var resumed = api.post("/api/v1/jobs/" + id + "/resume", tenant.key(), null);
    assertThat(resumed.json().get("enabled").asBoolean()).isTrue();
    assertThat(pending(id)).isEqualTo(1);
    Instant next = Instant.parse(resumed.json().get("next_run_at").asString());
    assertThat(next.atZone(java.time.ZoneId.of("Europe/Oslo")).getHour()).isZero();

    var timeline = api.get("/api/v1/jobs/" + id + "/timeline", tenant.key()).json().get("entries");
    assertThat(timeline).isNotEmpty();
  }

  @Test
  void changing_the_schedule_replaces_the_waiting_occurrence() {
    var tenant = fixtures.tenant();
    String id =
        api.post("/api/v1/jobs", tenant.key(), cronJob("moving", "0 3 * * *", ""))
            .json()
            .get("id")
            .asString();
    var patched =
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            "{\"schedule\": {\"type\": \"cron\", \"expression\": \"30 14 * * *\", \"timezone\":"
                + " \"America/New_York\"}}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    Instant next = Instant.parse(patched.json().get("next_run_at").asString());
    var local = next.atZone(java.time.ZoneId.of("America/New_York"));
    assertThat(local.getHour()).isEqualTo(14);
    assertThat(local.getMinute()).isEqualTo(30);
    assertThat(pending(id)).isEqualTo(1);
  }

  @Test
  void preview_describes_an_expression_and_lists_its_next_runs_in_both_zones() {
    var tenant = fixtures.tenant();
    var preview =
        api.post(
            "/api/v1/cron/preview",
            tenant.key(),
            "{\"expression\": \"0 9 * * MON-FRI\", \"timezone\": \"Europe/Oslo\", \"count\": 3}");
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    JsonNode body = preview.json();
    assertThat(body.get("description").asString()).containsIgnoringCase("9");
    assertThat(body.get("next")).hasSize(3);
    JsonNode run = body.get("next").get(0);
    assertThat(run.get("local").asString()).contains("T09:00");
    assertThat(Instant.parse(run.get("utc").asString()))
        .isEqualTo(java.time.OffsetDateTime.parse(run.get("local").asString()).toInstant());
    assertThat(body.get("keeps_elapsed_time").asBoolean()).isFalse();

    var bad =
        api.post(
            "/api/v1/cron/preview",
            tenant.key(),
            "{\"expression\": \"* * *\", \"timezone\": \"Nowhere/City\"}");
    assertThat(bad.status()).isEqualTo(422);
    List<String> fields = new ArrayList<>();
    bad.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields).containsExactlyInAnyOrder("expression", "timezone");
  }

  @Test
  void jobs_are_read_and_upserted_by_key_and_cloned_without_it() {
    var tenant = fixtures.tenant();
    var created =
        api.put(
            "/api/v1/jobs/key/nightly-report", tenant.key(), cronJob("Nightly", "0 2 * * *", ""));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    assertThat(created.json().get("key").asString()).isEqualTo("nightly-report");

    var replaced =
        api.put(
            "/api/v1/jobs/key/nightly-report",
            tenant.key(),
            cronJob("Nightly v2", "0 4 * * *", ""));
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.json().get("id").asString()).isEqualTo(id);
    assertThat(replaced.json().get("name").asString()).isEqualTo("Nightly v2");

    assertThat(api.get("/api/v1/jobs/key/nightly-report", tenant.key()).json().get("id").asString())
        .isEqualTo(id);
    assertThat(api.get("/api/v1/jobs/key/nope", tenant.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs/key/nightly-report", fixtures.tenant().key()).status())
        .isEqualTo(404);

    var copy = api.post("/api/v1/jobs/" + id + "/clone", tenant.key(), null);
    assertThat(copy.status()).isEqualTo(201);
    assertThat(copy.json().get("id").asString()).isNotEqualTo(id);
    assertThat(copy.json().get("key").isNull()).isTrue();
    assertThat(copy.json().get("name").asString()).isEqualTo("Copy of Nightly v2");
    assertThat(copy.json().get("schedule").get("expression").asString()).isEqualTo("0 4 * * *");
    assertThat(pending(copy.json().get("id").asString())).isEqualTo(1);
  }

  @Test
  void the_free_tier_refuses_schedules_more_frequent_than_hourly() {
    var tenant = fixtures.tenant(Tier.FREE);
    var refused = api.post("/api/v1/jobs", tenant.key(), cronJob("often", "*/5 * * * *", ""));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("detail").asString()).contains("5 minutes").contains("1 hour");
    assertThat(api.post("/api/v1/jobs", tenant.key(), cronJob("hourly", "@hourly", "")).status())
        .isEqualTo(201);
  }
}
