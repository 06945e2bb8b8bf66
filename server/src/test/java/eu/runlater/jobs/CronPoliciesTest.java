package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Engine;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.testing.MutableClock;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import eu.runlater.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Catch-up and overlap policies, on a node of its own (its own database, so no other test's engine
 * takes its tasks) whose clock the test moves: occurrences pass while the engine is stopped, and
 * runs overlap against a target that answers only when the test lets it.
 */
// A context of its own (its properties differ from ServerTest's): closed after the class, so its
// engine and background loops stop instead of running beside every later class of this JVM (the
// test framework keeps cached contexts alive until the JVM ends).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(CronPoliciesTest.Clock.class)
class CronPoliciesTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Instant START = Instant.parse("2026-11-22T10:00:30Z");
  static final String DATABASE = TestPostgres.freshDatabase();

  @TestConfiguration
  static class Clock {
    @Bean
    @Primary
    MutableClock mutableClock() {
      return new MutableClock(START);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("runlater.database-url", () -> TestPostgres.jdbcUrl(DATABASE));
    registry.add("runlater.engine.allow-private-targets", () -> "127.0.0.0/8");
    registry.add("runlater.engine.poll-interval", () -> "50ms");
    registry.add("runlater.quotas.enforce", () -> "true");
    registry.add(
        "runlater.data-dir",
        () ->
            Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "cron-policies" + eu.runlater.testing.TestPostgres.forkSuffix())
                .toString());
  }

  @LocalServerPort int port;
  @Autowired MutableClock clock;
  @Autowired Engine engine;
  @Autowired Fixtures fixtures;
  @Autowired JdbcClient jdbc;
  @Autowired javax.sql.DataSource dataSource;
  final Sink sink = Sink.start();
  Api api;
  String key;

  @BeforeEach
  void setUp() {
    TestPostgres.truncateAll(dataSource);
    clock.set(START);
    api = new Api(port);
    key = fixtures.tenant().key();
  }

  @AfterEach
  void tearDown() throws Exception {
    engine.start(); // idempotent; a test may have stopped it
    sink.close();
  }

  private String everyMinute(String policies) {
    var created =
        api.post(
            "/api/v1/jobs",
            key,
            """
            {"name": "minutely", "url": "%s", "schedule": {"type": "cron",
             "expression": "* * * * *", "timezone": "UTC"}, %s}
            """
                .formatted(sink.url("/tick"), policies));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  record Row(Instant scheduledFor, String status, boolean fin, int attempt) {}

  private List<Row> history(String jobId) {
    return jdbc.sql(
            "SELECT scheduled_for, status, final, attempt FROM executions WHERE source_id ="
                + " :id::uuid ORDER BY scheduled_for, created_at")
        .param("id", jobId)
        .query(
            (rs, n) ->
                new Row(
                    rs.getObject(1, OffsetDateTime.class).toInstant(),
                    rs.getString(2),
                    rs.getBoolean(3),
                    rs.getInt(4)))
        .list();
  }

  private Instant pendingAt(String jobId) {
    return jdbc.sql(
            "SELECT t.scheduled_for FROM jobs j JOIN tasks t ON t.id = j.pending_task_id WHERE j.id = :id::uuid")
        .param("id", jobId)
        .query((rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant())
        .single();
  }

  private static Instant at(String hhmm) {
    return Instant.parse("2026-11-22T" + hhmm + ":00Z");
  }

  private void awaitHistory(String jobId, int rows) {
    Sink.await(WAIT, rows + " history rows", () -> history(jobId).size() >= rows);
  }

  @Test
  void catch_up_latest_runs_the_most_recent_missed_occurrence_and_records_the_rest()
      throws Exception {
    engine.stop();
    String id = everyMinute("\"catch_up\": \"latest\"");
    clock.set(at("10:05").plusSeconds(30));
    engine.start();
    awaitHistory(id, 5);
    sink.awaitCount(1, WAIT);
    assertThat(history(id))
        .containsExactly(
            new Row(at("10:01"), "missed", true, 0),
            new Row(at("10:02"), "missed", true, 0),
            new Row(at("10:03"), "missed", true, 0),
            new Row(at("10:04"), "missed", true, 0),
            new Row(at("10:05"), "success", true, 1));
    assertThat(sink.count()).isEqualTo(1);
    assertThat(pendingAt(id)).isEqualTo(at("10:06"));
  }

  @Test
  void catch_up_none_records_every_missed_occurrence_and_runs_none() throws Exception {
    engine.stop();
    String id = everyMinute("\"catch_up\": \"none\"");
    clock.set(at("10:05").plusSeconds(30));
    engine.start();
    awaitHistory(id, 5);
    Sink.await(WAIT, "the next occurrence planned", () -> pendingAt(id).equals(at("10:06")));
    assertThat(history(id)).extracting(Row::status).containsOnly("missed").hasSize(5);
    assertThat(sink.count()).isZero();
  }

  @Test
  void catch_up_all_runs_each_missed_occurrence_in_order() throws Exception {
    engine.stop();
    String id = everyMinute("\"catch_up\": \"all\"");
    clock.set(at("10:05").plusSeconds(30));
    engine.start();
    sink.awaitCount(5, WAIT);
    awaitHistory(id, 5);
    assertThat(history(id))
        .extracting(Row::scheduledFor)
        .containsExactly(at("10:01"), at("10:02"), at("10:03"), at("10:04"), at("10:05"));
    assertThat(history(id)).extracting(Row::status).containsOnly("success");
    Sink.await(WAIT, "the next occurrence planned", () -> pendingAt(id).equals(at("10:06")));
  }

  @Test
  void catch_up_all_runs_at_most_the_latest_hundred() throws Exception {
    engine.stop();
    String id = everyMinute("\"catch_up\": \"all\"");
    clock.set(at("12:00").plusSeconds(30)); // 120 occurrences from 10:01 to 12:00
    engine.start();
    sink.awaitCount(100, Duration.ofSeconds(60));
    awaitHistory(id, 120);
    List<Row> rows = history(id);
    assertThat(rows.stream().filter(r -> r.status().equals("missed")).count()).isEqualTo(20);
    assertThat(rows.stream().filter(r -> r.status().equals("success")).count()).isEqualTo(100);
    assertThat(rows.get(19).status()).isEqualTo("missed");
    assertThat(rows.get(20)).isEqualTo(new Row(at("10:21"), "success", true, 1));
  }

  @Test
  void overlap_forbid_skips_an_occurrence_due_while_the_previous_run_is_in_flight()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    sink.respond(r -> hold(release));
    String id = everyMinute("\"overlap\": \"forbid\"");
    clock.set(at("10:01"));
    Sink.await(WAIT, "the 10:01 run in flight", () -> sink.inFlight() == 1);
    clock.set(at("10:02"));
    Sink.await(WAIT, "the 10:02 occurrence skipped", () -> history(id).size() == 1);
    assertThat(history(id).getFirst()).isEqualTo(new Row(at("10:02"), "skipped", true, 0));
    release.countDown();
    awaitHistory(id, 2);
    assertThat(history(id)).extracting(Row::status).containsExactly("success", "skipped");
    assertThat(sink.count()).isEqualTo(1);

    var timeline =
        api.get(
                "/api/v1/jobs/"
                    + id
                    + "/timeline?from=2026-11-22T10:00:00Z&to=2026-11-22T10:03:00Z",
                key)
            .json()
            .get("entries");
    assertThat(timeline.get(0).get("status").asString()).isEqualTo("ran");
    assertThat(timeline.get(1).get("status").asString()).isEqualTo("skipped");
    assertThat(timeline.get(1).get("reason").asString()).contains("in flight");
    assertThat(timeline.get(2).get("status").asString()).isEqualTo("pending");
  }

  @Test
  void overlap_replace_cancels_the_running_attempt_and_runs_the_new_occurrence() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    sink.respond(r -> calls.incrementAndGet() == 1 ? hold(release) : Reply.status(200));
    String id = everyMinute("\"overlap\": \"replace\"");
    clock.set(at("10:01"));
    Sink.await(WAIT, "the 10:01 run in flight", () -> sink.inFlight() == 1);
    clock.set(at("10:02"));
    awaitHistory(id, 2);
    release.countDown();
    List<Row> rows = history(id);
    assertThat(rows)
        .containsExactly(
            new Row(at("10:01"), "cancelled", true, 0), new Row(at("10:02"), "success", true, 1));
  }

  @Test
  void overlap_allow_runs_both() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    sink.respond(r -> hold(release));
    String id = everyMinute("\"overlap\": \"allow\"");
    clock.set(at("10:01"));
    Sink.await(WAIT, "one run in flight", () -> sink.inFlight() == 1);
    clock.set(at("10:02"));
    Sink.await(WAIT, "both runs in flight", () -> sink.inFlight() == 2);
    release.countDown();
    awaitHistory(id, 2);
    assertThat(history(id)).extracting(Row::status).containsExactly("success", "success");
  }

  @Test
  void occurrences_while_paused_show_as_paused_in_the_timeline() {
    String id = everyMinute("\"catch_up\": \"latest\"");
    api.post("/api/v1/jobs/" + id + "/pause", key, null);
    clock.set(at("10:04").plusSeconds(10));
    api.post("/api/v1/jobs/" + id + "/resume", key, null);
    assertThat(pendingAt(id)).isEqualTo(at("10:05"));
    var entries =
        api.get(
                "/api/v1/jobs/"
                    + id
                    + "/timeline?from=2026-11-22T10:00:00Z&to=2026-11-22T10:06:00Z",
                key)
            .json()
            .get("entries");
    assertThat(entries.get(0).get("scheduled_for").asString()).isEqualTo("2026-11-22T10:01:00Z");
    for (int i = 0; i < 3; i++) {
      assertThat(entries.get(i).get("status").asString()).isEqualTo("paused");
    }
    assertThat(entries.get(4).get("status").asString()).isEqualTo("pending");
    assertThat(entries.get(5).get("status").asString()).isEqualTo("planned");
  }

  @Test
  void an_occurrence_past_the_monthly_quota_is_skipped_and_shown_as_over_quota() {
    var free = fixtures.tenant(eu.runlater.organizations.Tier.FREE);
    var created =
        api.post(
            "/api/v1/jobs",
            free.key(),
            """
            {"name": "hourly", "url": "%s", "schedule": {"type": "cron", "expression": "@hourly"}}
            """
                .formatted(sink.url("/hourly")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    jdbc.sql(
            "INSERT INTO usage_months (organization_id, month, deliveries)"
                + " VALUES (:o, DATE '2026-11-01', 9999)")
        .param("o", free.id())
        .update();
    clock.set(at("11:00"));
    sink.awaitCount(1, WAIT);
    awaitHistory(id, 1);
    clock.set(at("12:00"));
    awaitHistory(id, 2);
    assertThat(history(id))
        .containsExactly(
            new Row(at("11:00"), "success", true, 1), new Row(at("12:00"), "skipped", true, 0));
    assertThat(sink.count()).isEqualTo(1);
    var entries =
        api.get(
                "/api/v1/jobs/"
                    + id
                    + "/timeline?from=2026-11-22T10:30:00Z&to=2026-11-22T12:30:00Z",
                free.key())
            .json()
            .get("entries");
    assertThat(entries.get(1).get("status").asString()).isEqualTo("over_quota");
    assertThat(entries.get(1).get("reason").asString()).contains("10000 requests a month");
    var org = api.get("/api/v1/organization", free.key()).json();
    assertThat(org.get("usage").get("deliveries").asLong()).isEqualTo(10_000);
  }

  private static Reply hold(CountDownLatch release) {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Reply.status(200);
  }
}
