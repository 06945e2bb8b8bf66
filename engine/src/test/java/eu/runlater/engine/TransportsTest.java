package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.Sink;
import eu.runlater.testing.StandardWebhooksVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A URL that is its own credential is stored sealed and shown masked, and a scheme other than HTTP
 * goes through its registered transport under the same contract: signed, retried, recorded.
 */
class TransportsTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();
  final List<Transport.Message> mailed = new CopyOnWriteArrayList<>();
  final AtomicInteger mailFailures = new AtomicInteger();

  final Transport mail =
      message -> {
        mailed.add(message);
        if (mailFailures.getAndDecrement() > 0) {
          throw new IOException("relay down");
        }
        return Transport.Answer.ok("250 2.0.0 queued");
      };

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  private Engine started(Map<String, Transport> transports) throws Exception {
    Engine.Builder builder =
        Engine.builder(fixture.config().build())
            .database(fixture.pool, fixture.dedicated())
            .http(fixture.http())
            .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
            .clock(InstantSource.system());
    transports.forEach(builder::transport);
    Engine engine = fixture.stopsWithFixture(builder.build());
    engine.start();
    return engine;
  }

  private NewTask task(TaskRequest request, int maxAttempts) {
    NewTask t = fixture.task("http://unused/");
    return new NewTask(
        t.id(),
        t.organizationId(),
        "alert",
        t.sourceId(),
        t.priority(),
        t.runAt(),
        t.scheduledFor(),
        maxAttempts,
        new Backoff(20, 50),
        request);
  }

  private List<Map<String, Object>> executions(UUID taskId) throws Exception {
    return fixture.db.withConnection(
        c ->
            Db.query(
                c,
                "SELECT status, final, status_code, error, request_url,"
                    + " request_sealed_url IS NOT NULL AS url_sealed,"
                    + " convert_from(response_body, 'UTF8') AS response"
                    + " FROM executions WHERE task_id = :id ORDER BY attempt",
                Db.Params.of("id", taskId),
                rs ->
                    Map.<String, Object>of(
                        "status", rs.getString("status"),
                        "final", rs.getBoolean("final"),
                        "code", String.valueOf(rs.getObject("status_code")),
                        "error", String.valueOf(rs.getString("error")),
                        "url", rs.getString("request_url"),
                        "sealed", rs.getBoolean("url_sealed"),
                        "response", String.valueOf(rs.getString("response")))));
  }

  private List<Map<String, Object>> awaitFinal(UUID taskId) {
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
    try {
      return executions(taskId);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_sealed_url_is_sent_as_itself_and_stored_and_shown_masked() throws Exception {
    Engine engine = started(Map.of());
    String real = sink.url("/services/T000/B000/s3cr3tPath");
    TaskRequest request =
        new TaskRequest(real, "POST", List.of(), null, "{}".getBytes(), false, 5_000)
            .withSealedUrl(fixture.secrets, real);
    NewTask task = task(request, 1);

    // Before it runs, the stored task holds the shown form only: read in the inserting
    // transaction, before the engine can see the task (and deliver and delete it).
    var batch = List.of(task);
    String[] stored = new String[1];
    java.time.Instant earliest =
        fixture.db.inTransaction(
            c -> {
              java.time.Instant due = engine.tasks().insert(c, batch);
              stored[0] =
                  Db.query(
                          c,
                          "SELECT url || encode(sealed_url, 'escape') FROM tasks WHERE id = :id",
                          Db.Params.of("id", task.id()),
                          rs -> rs.getString(1))
                      .getFirst();
              return due;
            });
    assertThat(stored[0]).doesNotContain("s3cr3tPath").startsWith("http://127.0.0.1:");
    engine.tasks().committed(earliest);

    var rows = awaitFinal(task.id());
    assertThat(sink.received()).hasSize(1);
    assertThat(sink.received().getFirst().path()).isEqualTo("/services/T000/B000/s3cr3tPath");
    assertThat(rows.getFirst())
        .containsEntry("status", "success")
        .containsEntry("sealed", true)
        .containsEntry("url", "http://127.0.0.1:" + sink.port() + "/" + SealedRequests.MASK);
    assertThat(SealedRequests.shownUrl("https://hooks.slack.com/services/T/B/x"))
        .isEqualTo("https://hooks.slack.com/" + SealedRequests.MASK);
    assertThat(SealedRequests.shownUrl("mailto:a@example.com"))
        .isEqualTo("mailto:" + SealedRequests.MASK);
  }

  @Test
  void a_transport_delivers_its_scheme_signed_and_its_failures_are_retried() throws Exception {
    Engine engine = started(Map.of("mailto", mail));
    mailFailures.set(1);
    NewTask task =
        task(
            new TaskRequest(
                "mailto:ops@example.com",
                "POST",
                List.of(new Header("Content-Type", "application/json")),
                null,
                "{\"subject\":\"down\"}".getBytes(StandardCharsets.UTF_8),
                false,
                5_000),
            3);
    fixture.insert(engine, List.of(task));

    var rows = awaitFinal(task.id());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0))
        .containsEntry("status", "failed")
        .containsEntry("final", false)
        .containsEntry("error", "mailto transport: relay down");
    assertThat(rows.get(1))
        .containsEntry("status", "success")
        .containsEntry("code", "200")
        .containsEntry("response", "250 2.0.0 queued");
    Transport.Message sent = mailed.get(1);
    assertThat(sent.target().toString()).isEqualTo("mailto:ops@example.com");
    assertThat(sent.attempt()).isEqualTo(2);
    assertThat(new String(sent.body(), StandardCharsets.UTF_8)).isEqualTo("{\"subject\":\"down\"}");
    var headers = new java.util.HashMap<String, String>();
    sent.headers()
        .forEach(h -> headers.put(h.name().toLowerCase(java.util.Locale.ROOT), h.value()));
    assertThat(
            new StandardWebhooksVerifier(EngineFixture.SECRET)
                .verify(
                    headers.get("webhook-id"),
                    headers.get("webhook-timestamp"),
                    headers.get("webhook-signature"),
                    sent.body()))
        .isTrue();
  }

  @Test
  void a_scheme_without_a_transport_is_refused_at_once() throws Exception {
    Engine engine = started(Map.of("mailto", mail));
    NewTask task =
        task(
            new TaskRequest("sms:+4712345678", "POST", List.of(), null, new byte[0], false, 5_000),
            3);
    fixture.insert(engine, List.of(task));
    var rows = awaitFinal(task.id());
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst()).containsEntry("status", "blocked");
    assertThat(mailed).isEmpty();
  }
}
