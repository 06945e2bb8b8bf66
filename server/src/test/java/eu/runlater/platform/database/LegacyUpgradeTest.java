package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.testing.Sink;
import eu.runlater.testing.StandardWebhooksVerifier;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The server started on a database that the last release with the single migration chain ran on
 * ({@link LegacyDatabase}): it adopts the old history, migrates, and answers for the old rows
 * through the API with the old API key, and new work goes through, signed with the old secret.
 */
// A context of its own (its properties differ from ServerTest's): closed after the class, so its
// engine and background loops stop instead of running beside every later class of this JVM (the
// test framework keeps cached contexts alive until the JVM ends).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the old rows are read before new ones come
class LegacyUpgradeTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final LegacyDatabase LEGACY = LegacyDatabase.build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "runlater.database-url", () -> eu.runlater.testing.TestPostgres.jdbcUrl(LEGACY.name()));
    registry.add("runlater.secret-key", LEGACY::secretKey);
    registry.add("runlater.engine.allow-private-targets", () -> "127.0.0.0/8");
    registry.add("runlater.engine.poll-interval", () -> "200ms");
    registry.add("runlater.rate-limits.enabled", () -> "false");
    registry.add(
        "runlater.data-dir",
        () ->
            Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "legacy-upgrade" + eu.runlater.testing.TestPostgres.forkSuffix())
                .toString());
  }

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  final Sink sink = Sink.start();
  Api api;

  @BeforeEach
  void api() {
    api = new Api(port);
  }

  @AfterEach
  void stopSink() {
    sink.close();
  }

  @Test
  @Order(1)
  void the_old_history_is_adopted_and_kept_under_another_name() {
    assertThat(
            jdbc.sql("SELECT to_regclass('flyway_schema_history') IS NULL")
                .query(Boolean.class)
                .single())
        .isTrue();
    assertThat(
            jdbc.sql("SELECT count(*) FROM flyway_schema_history_legacy")
                .query(Long.class)
                .single())
        .isEqualTo(22);
    // Every module's history is baselined at the version the legacy chain had brought it to, and
    // migrations added since the split ran after it.
    for (Migrations.Chain chain : Migrations.CHAINS) {
      int legacy = chain.legacyVersions().size();
      assertThat(
              jdbc.sql(
                      "SELECT count(*) FROM "
                          + chain.historyTable()
                          + " WHERE success AND version::int = :n")
                  .param("n", legacy)
                  .query(Integer.class)
                  .single())
          .as(chain.module())
          .isEqualTo(1);
      assertThat(
              jdbc.sql("SELECT max(version::int) FROM " + chain.historyTable())
                  .query(Integer.class)
                  .single())
          .as(chain.module())
          .isGreaterThanOrEqualTo(legacy);
    }
  }

  @Test
  @Order(2)
  void old_jobs_and_their_executions_read_back_through_the_api() {
    JsonNode jobs = get("/api/v1/jobs");
    assertThat(jobs.findValuesAsString("name")).containsExactlyInAnyOrder("nightly", "welcome");

    JsonNode cron = get("/api/v1/jobs/" + LEGACY.cronJob());
    assertThat(cron.get("key").asString()).isEqualTo("nightly");
    assertThat(cron.toString()).contains("0 3 * * *", "Europe/Amsterdam");
    assertThat(cron.get("next_run_at").isNull()).isFalse();
    assertThat(get("/api/v1/jobs/key/nightly").get("id").asString())
        .isEqualTo(LEGACY.cronJob().toString());

    JsonNode executions = get("/api/v1/jobs/" + LEGACY.onceJob() + "/executions");
    assertThat(executions.get("data")).hasSize(1);
    JsonNode execution = get("/api/v1/executions/" + LEGACY.onceExecution());
    assertThat(execution.get("status").asString()).isEqualTo("success");
    assertThat(execution.get("status_code").asInt()).isEqualTo(200);
    assertThat(execution.get("job_id").asString()).isEqualTo(LEGACY.onceJob().toString());
  }

  @Test
  @Order(3)
  void old_queues_and_messages_read_back_through_the_api() {
    assertThat(get("/api/v1/queues").findValuesAsString("name")).containsExactly("emails");
    JsonNode queue = get("/api/v1/queues/emails");
    assertThat(queue.get("parallelism").asInt()).isEqualTo(5);
    assertThat(queue.get("waiting").asLong()).isEqualTo(1);

    assertThat(get("/api/v1/messages?queue=emails").get("data")).hasSize(3);
    assertThat(get("/api/v1/messages/" + LEGACY.waitingMessage()).get("state").asString())
        .isEqualTo("waiting");
    assertThat(get("/api/v1/dlq").findValuesAsString("id"))
        .containsExactly(LEGACY.deadMessage().toString());
  }

  @Test
  @Order(4)
  void new_work_is_accepted_and_delivered_signed_with_the_old_signing_secret() {
    var created =
        api.post(
            "/api/v1/jobs",
            LEGACY.apiKey(),
            """
            {"name": "after-upgrade", "url": "%s", "method": "POST", "body": {"n": 1},
             "schedule": {"type": "once", "delay": "1s"}}
            """
                .formatted(sink.url("/job")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    var pushed =
        api.post(
            "/api/v1/queues/emails/messages",
            LEGACY.apiKey(),
            "{\"url\": \"%s\", \"body\": {\"n\": 2}}".formatted(sink.url("/message")));
    assertThat(pushed.status()).as(pushed.body()).isIn(200, 201);

    sink.awaitCount(2, WAIT);
    StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(LEGACY.signingSecret());
    for (Sink.Received r : sink.received()) {
      assertThat(
              verifier.verify(
                  r.header("webhook-id"),
                  r.header("webhook-timestamp"),
                  r.header("webhook-signature"),
                  r.body()))
          .as(r.toString())
          .isTrue();
    }
    assertThat(get("/api/v1/jobs").findValuesAsString("name")).contains("after-upgrade");
  }

  private JsonNode get(String path) {
    var response = api.get(path, LEGACY.apiKey());
    assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
    return response.json();
  }
}
