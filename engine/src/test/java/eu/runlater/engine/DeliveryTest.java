package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import eu.runlater.testing.StandardWebhooksVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delivery contract, end to end: a running engine, a real HTTP target. */
class DeliveryTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  private Engine started() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    engine.start();
    return engine;
  }

  private NewTask withAttempts(NewTask t, int maxAttempts) {
    return new NewTask(
        t.id(),
        t.organizationId(),
        t.sourceKind(),
        t.sourceId(),
        t.priority(),
        t.runAt(),
        t.scheduledFor(),
        maxAttempts,
        t.backoff(),
        t.request());
  }

  private List<Map<String, Object>> executions(UUID taskId) throws Exception {
    return fixture.db.withConnection(
        c ->
            Db.query(
                c,
                "SELECT status, final, status_code, error, attempt, response_truncated,"
                    + " octet_length(response_body) AS body_bytes, next_attempt_at, started_at"
                    + " FROM executions WHERE task_id = :id ORDER BY attempt",
                Db.Params.of("id", taskId),
                rs -> {
                  var row = new java.util.HashMap<String, Object>();
                  for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                  }
                  return row;
                }));
  }

  private void awaitFinal(UUID taskId) {
    Sink.await(
        WAIT,
        "a final execution of " + taskId,
        () -> {
          try {
            return executions(taskId).stream().anyMatch(r -> (Boolean) r.get("final"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void a_delivery_is_signed_per_standard_webhooks_and_carries_runlater_headers() throws Exception {
    Engine engine = started();
    NewTask task = fixture.task(sink.url("/hook"));
    fixture.insert(engine, List.of(task));
    sink.awaitCount(1, WAIT);

    Sink.Received r = sink.received().getFirst();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains(task.id().toString());
    assertThat(r.header("webhook-id")).isEqualTo(task.id().toString());
    assertThat(
            new StandardWebhooksVerifier(EngineFixture.SECRET)
                .verify(
                    r.header("webhook-id"),
                    r.header("webhook-timestamp"),
                    r.header("webhook-signature"),
                    r.body()))
        .isTrue();
    assertThat(r.header("User-Agent")).isEqualTo("Runlater/test");
    assertThat(r.header("Runlater-Job-Id")).isEqualTo(task.sourceId().toString());
    assertThat(r.header("Runlater-Attempt")).isEqualTo("1");
    assertThat(r.header("Runlater-Execution-Id")).matches("[0-9a-f-]{36}");
    assertThat(r.header("traceparent"))
        .matches("00-" + task.id().toString().replace("-", "") + "-[0-9a-f]{16}-01");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");

    awaitFinal(task.id());
    var execution = executions(task.id()).getFirst();
    assertThat(execution.get("status")).isEqualTo("success");
    assertThat(execution.get("status_code")).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
  }

  @Test
  void the_history_keeps_only_the_headers_it_cannot_derive_and_reads_back_every_one_sent()
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    sink.respond(r -> Reply.status(calls.incrementAndGet() == 1 ? 503 : 200));
    Engine engine = started();
    NewTask task = withAttempts(fixture.task(sink.url("/twice")), 3);
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());

    var rows =
        fixture.db.withConnection(
            c ->
                Db.query(
                    c,
                    "SELECT id, task_id, source_kind, source_id, attempt, started_at,"
                        + " request_headers::text AS headers, request_headers_derived"
                        + " FROM executions WHERE task_id = :id ORDER BY attempt",
                    Db.Params.of("id", task.id()),
                    rs -> {
                      List<Header> stored = HeaderCodec.fromJson(rs.getString("headers"));
                      assertThat(rs.getBoolean("request_headers_derived")).isTrue();
                      return Map.entry(
                          stored,
                          SentHeaders.expand(
                              stored,
                              rs.getObject("task_id", UUID.class),
                              rs.getString("source_kind"),
                              rs.getObject("source_id", UUID.class),
                              rs.getObject("id", UUID.class),
                              rs.getInt("attempt"),
                              SqlTime.instant(rs, "started_at")));
                    }));
    assertThat(rows).hasSize(2);
    for (int i = 0; i < 2; i++) {
      List<Header> stored = rows.get(i).getKey();
      List<Header> expanded = rows.get(i).getValue();
      Sink.Received sent = sink.received().get(i);
      // Stored: the request's own headers and the user agent, nothing the row already says.
      assertThat(stored)
          .extracting(Header::name)
          .containsExactlyElementsOf(
              java.util.stream.Stream.concat(
                      task.request().headers().stream().map(Header::name),
                      java.util.stream.Stream.of("User-Agent"))
                  .toList());
      // Read back: every header of ours as the target received it, the trace's span included.
      assertThat(expanded)
          .extracting(Header::name)
          .containsSubsequence(
              "User-Agent",
              "webhook-id",
              "webhook-timestamp",
              "Runlater-Job-Id",
              "Runlater-Task-Id",
              "Runlater-Execution-Id",
              "Runlater-Attempt",
              "traceparent");
      for (Header h : expanded) {
        assertThat(sent.header(h.name())).as(h.name()).isEqualTo(h.value());
      }
      assertThat(sent.header("Runlater-Attempt")).isEqualTo(Integer.toString(i + 1));
    }
    assertThat(sink.received().get(0).header("traceparent"))
        .isNotEqualTo(sink.received().get(1).header("traceparent"));
  }

  @Test
  void a_tampered_body_fails_the_independent_verifier() throws Exception {
    Engine engine = started();
    fixture.insert(engine, List.of(fixture.task(sink.url("/hook"))));
    sink.awaitCount(1, WAIT);
    Sink.Received r = sink.received().getFirst();
    byte[] tampered = r.body().clone();
    tampered[0] ^= 1;
    assertThat(
            new StandardWebhooksVerifier(EngineFixture.SECRET)
                .verify(
                    r.header("webhook-id"),
                    r.header("webhook-timestamp"),
                    r.header("webhook-signature"),
                    tampered))
        .isFalse();
  }

  @Test
  void during_a_secret_rotation_both_signatures_are_sent() throws Exception {
    String next = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    Engine engine =
        Engine.builder(fixture.config().build())
            .database(fixture.pool, fixture.dedicated())
            .http(fixture.http())
            .secrets(fixture.secrets, org -> List.of(next, EngineFixture.SECRET))
            .build();
    try {
      engine.start();
      fixture.insert(engine, List.of(fixture.task(sink.url("/hook"))));
      sink.awaitCount(1, WAIT);
      Sink.Received r = sink.received().getFirst();
      assertThat(r.header("webhook-signature").split(" ")).hasSize(2);
      for (String secret : List.of(next, EngineFixture.SECRET)) {
        assertThat(
                new StandardWebhooksVerifier(secret)
                    .verify(
                        r.header("webhook-id"),
                        r.header("webhook-timestamp"),
                        r.header("webhook-signature"),
                        r.body()))
            .isTrue();
      }
    } finally {
      engine.stop();
    }
  }

  @Test
  void an_engine_given_only_a_target_policy_delivers_through_its_own_client() throws Exception {
    Engine engine =
        Engine.builder(fixture.config().build())
            .database(fixture.pool, fixture.dedicated())
            .targets(TargetPolicy.parse("127.0.0.0/8"))
            .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
            .build();
    try (engine) {
      engine.start();
      fixture.insert(engine, List.of(fixture.task(sink.url("/own"))));
      sink.awaitCount(1, WAIT);
      assertThat(sink.received().getFirst().header("User-Agent")).isEqualTo("Runlater/test");
    }
  }

  @Test
  void an_engine_whose_policy_refuses_loopback_blocks_the_delivery() throws Exception {
    Engine engine =
        Engine.builder(fixture.config().build())
            .database(fixture.pool, fixture.dedicated())
            .targets(TargetPolicy.publicOnly())
            .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
            .build();
    try (engine) {
      engine.start();
      NewTask task = fixture.task(sink.url("/refused"));
      fixture.insert(engine, List.of(task));
      awaitFinal(task.id());
      assertThat(executions(task.id()).getFirst().get("status")).isEqualTo("blocked");
      assertThat(sink.received()).isEmpty();
    }
  }

  @Test
  void server_errors_are_retried_with_backoff_until_success_under_one_webhook_id()
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    sink.respond(r -> Reply.status(calls.incrementAndGet() <= 2 ? 503 : 200));
    Engine engine = started();
    NewTask task = withAttempts(fixture.task(sink.url("/flaky")), 5);
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());

    var rows = executions(task.id());
    assertThat(rows)
        .extracting(r -> r.get("status"))
        .containsExactly("failed", "failed", "success");
    assertThat(rows).extracting(r -> r.get("final")).containsExactly(false, false, true);
    assertThat(rows.getFirst().get("error")).isEqualTo("HTTP 503");
    assertThat(sink.received())
        .extracting(r -> r.header("webhook-id"))
        .containsOnly(task.id().toString());
    assertThat(sink.received())
        .extracting(r -> r.header("Runlater-Attempt"))
        .containsExactly("1", "2", "3");
  }

  @Test
  void retries_stop_when_attempts_run_out_and_the_last_failure_is_final() throws Exception {
    sink.respond(r -> Reply.status(500));
    Engine engine = started();
    NewTask task = withAttempts(fixture.task(sink.url("/down")), 3);
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());
    var rows = executions(task.id());
    assertThat(rows).hasSize(3);
    assertThat(rows.getLast().get("final")).isEqualTo(true);
    assertThat(rows.getLast().get("next_attempt_at")).isNull();
    assertThat(sink.count()).isEqualTo(3);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
  }

  @Test
  void retry_after_is_honoured() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    sink.respond(
        r ->
            calls.incrementAndGet() == 1
                ? Reply.status(429).withHeader("Retry-After", "2")
                : Reply.status(200));
    Engine engine = started();
    NewTask task = withAttempts(fixture.task(sink.url("/limited")), 3);
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());
    var received = sink.received();
    assertThat(received).hasSize(2);
    assertThat(Duration.between(received.get(0).at(), received.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
  }

  @Test
  void client_errors_other_than_408_and_429_fail_at_once() throws Exception {
    sink.respond(r -> Reply.status(404));
    Engine engine = started();
    NewTask task = withAttempts(fixture.task(sink.url("/gone")), 5);
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());
    assertThat(executions(task.id()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("status")).isEqualTo("failed");
              assertThat(r.get("status_code")).isEqualTo(404);
              assertThat(r.get("final")).isEqualTo(true);
            });
    assertThat(sink.count()).isEqualTo(1);
  }

  @Test
  void redirects_are_recorded_and_not_followed() throws Exception {
    sink.respond(
        r ->
            r.path().equals("/moved")
                ? Reply.status(302).withHeader("Location", sink.url("/elsewhere"))
                : Reply.status(200));
    Engine engine = started();
    NewTask task = withAttempts(fixture.task(sink.url("/moved")), 5);
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());
    assertThat(sink.received()).extracting(Sink.Received::path).containsExactly("/moved");
    var row = executions(task.id()).getFirst();
    assertThat(row.get("status_code")).isEqualTo(302);
    assertThat((String) row.get("error")).contains("not followed").contains("/elsewhere");
    assertThat(row.get("final")).isEqualTo(true);
  }

  @Test
  void a_target_that_never_answers_times_out_at_the_task_deadline_and_is_retried()
      throws Exception {
    sink.respond(r -> Reply.status(200).after(Duration.ofSeconds(30)));
    Engine engine = started();
    NewTask base = withAttempts(fixture.task(sink.url("/hang")), 2);
    NewTask task =
        new NewTask(
            base.id(),
            base.organizationId(),
            base.sourceKind(),
            base.sourceId(),
            base.priority(),
            base.runAt(),
            base.scheduledFor(),
            2,
            base.backoff(),
            new TaskRequest(
                base.request().url(),
                "POST",
                base.request().headers(),
                null,
                base.request().body(),
                false,
                1_000));
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());
    var rows = executions(task.id());
    assertThat(rows).extracting(r -> r.get("status")).containsExactly("timeout", "timeout");
    assertThat(sink.count()).isEqualTo(2);
  }

  @Test
  void large_responses_are_stored_truncated_at_256_kb() throws Exception {
    sink.respond(r -> Reply.status(200).withBody(new byte[600 * 1024]));
    Engine engine = started();
    NewTask task = fixture.task(sink.url("/big"));
    fixture.insert(engine, List.of(task));
    awaitFinal(task.id());
    var row = executions(task.id()).getFirst();
    assertThat(row.get("status")).isEqualTo("success");
    assertThat(row.get("response_truncated")).isEqualTo(true);
    assertThat(row.get("body_bytes")).isEqualTo(256 * 1024);
  }

  @Test
  void secret_headers_and_bodies_are_sealed_at_rest_and_sent_in_the_clear() throws Exception {
    Engine engine = started();
    NewTask base = fixture.task(sink.url("/secret"));
    TaskRequest sealed =
        SealedRequests.seal(
            fixture.secrets,
            base.request().url(),
            "POST",
            List.of(
                new Header("Authorization", "Bearer very-secret-value"),
                new Header("X-Plain", "visible")),
            Set.of(),
            "{\"card\":\"4242-secret-body\"}".getBytes(),
            true,
            5_000);
    NewTask task =
        new NewTask(
            base.id(),
            base.organizationId(),
            base.sourceKind(),
            base.sourceId(),
            base.priority(),
            base.runAt(),
            base.scheduledFor(),
            1,
            base.backoff(),
            sealed);
    fixture.insert(engine, List.of(task));
    sink.awaitCount(1, WAIT);
    Sink.Received r = sink.received().getFirst();
    assertThat(r.header("Authorization")).isEqualTo("Bearer very-secret-value");
    assertThat(r.header("X-Plain")).isEqualTo("visible");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("4242-secret-body");
    awaitFinal(task.id());

    String everything =
        fixture.db.withConnection(
            c ->
                Db.query(
                        c,
                        "SELECT string_agg(e::text, ' ') FROM executions e",
                        Db.Params.of(),
                        rs -> rs.getString(1))
                    .getFirst());
    assertThat(everything).contains("visible");
    assertThat(everything).doesNotContain("very-secret-value").doesNotContain("4242-secret-body");
  }

  @Test
  void lateness_is_measured_for_every_attempt() throws Exception {
    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    Engine engine =
        Engine.builder(fixture.config().build())
            .database(fixture.pool, fixture.dedicated())
            .http(fixture.http())
            .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
            .meters(meters)
            .build();
    try {
      engine.start();
      NewTask task = fixture.task(sink.url("/late"), Instant.now().minusMillis(500));
      fixture.insert(engine, List.of(task));
      awaitFinal(task.id());
      var lateness = meters.get("runlater.task.lateness").timer();
      assertThat(lateness.count()).isEqualTo(1);
      assertThat(lateness.max(java.util.concurrent.TimeUnit.MILLISECONDS))
          .isGreaterThanOrEqualTo(500);
    } finally {
      engine.stop();
    }
  }
}
