package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

/**
 * What the workflow API tests share: a real HTTP target, a tenant, and helpers to define workflows,
 * start runs and wait for them. The Spring context is the one every server test shares.
 */
abstract class WorkflowApiTest extends ServerTest {
  static final Duration WITHIN = Duration.ofSeconds(30);

  /** The states a run has not ended in. */
  static final java.util.Set<String> OPEN = java.util.Set.of("queued", "running", "cancelling");

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.jdbc.core.simple.JdbcClient jdbc;

  Sink target;
  final java.util.concurrent.Semaphore gate = new java.util.concurrent.Semaphore(0);
  final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicInteger maxInFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Requests to /held/* wait for a permit of {@link #gate}; the others are answered at once. */
  void holdRequests() {
    target.respond(
        r -> {
          if (!r.path().startsWith("/held/")) {
            return json(200, "{}");
          }
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            if (!gate.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
              return json(500, "{\"error\": \"not released\"}");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.decrementAndGet();
          }
          return json(200, "{}");
        });
  }

  Fixtures.Tenant t;

  @BeforeEach
  void start() {
    target = Sink.start().respond(r -> json(200, "{\"id\": 42, \"path\": \"" + r.path() + "\"}"));
    t = fixtures.tenant();
  }

  @AfterEach
  void stop() {
    target.close();
  }

  String state(String run) {
    return run(run).get("state").asString();
  }

  void awaitRequests(String path, int n) {
    Sink.await(
        WITHIN,
        n + " requests to " + path,
        () -> target.received().stream().filter(r -> r.path().equals(path)).count() >= n);
  }

  List<String> runIdsOf(String path) {
    return target.received().stream()
        .filter(r -> r.path().equals(path))
        .map(r -> r.header("Runlater-Run-Id"))
        .toList();
  }

  static Sink.Reply json(int status, String body) {
    return Sink.Reply.status(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body.getBytes(StandardCharsets.UTF_8));
  }

  String http(String name, String path, String extra) {
    return """
        {"name": "%s", "kind": "http", "url": "%s"%s}"""
        .formatted(name, target.url(path), extra.isEmpty() ? "" : ", " + extra);
  }

  void define(String key, String... steps) {
    defineWith(key, "", steps);
  }

  void defineWith(String key, String extra, String... steps) {
    var r =
        api.post(
            "/api/v1/workflows",
            t.key(),
            "{\"key\": \"%s\"%s, \"steps\": [%s]}"
                .formatted(key, extra.isEmpty() ? "" : ", " + extra, String.join(", ", steps)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  String startRun(String key, String input) {
    var r = api.post("/api/v1/workflows/" + key + "/runs", t.key(), "{\"input\": " + input + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  JsonNode run(String id) {
    return api.get("/api/v1/workflow-runs/" + id, t.key()).json();
  }

  JsonNode awaitState(String id, String state) {
    Sink.await(
        WITHIN, "run " + id + " " + state, () -> !OPEN.contains(run(id).get("state").asString()));
    JsonNode r = run(id);
    assertThat(r.get("state").asString()).as(r.toString()).isEqualTo(state);
    return r;
  }

  static Map<String, JsonNode> steps(JsonNode run) {
    Map<String, JsonNode> map = new HashMap<>();
    for (JsonNode s : run.get("steps")) {
      map.put(s.get("name").asString(), s);
    }
    return map;
  }

  JsonNode event(String name, String payload) {
    var r =
        api.post(
            "/api/v1/events",
            t.key(),
            "{\"name\": \"%s\", \"payload\": %s}".formatted(name, payload));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json();
  }

  /** The approvals waiting for this member (GET /api/v1/approvals?for=). */
  JsonNode inbox(eu.runlater.support.Fixtures.TestUser u) {
    return api.get("/api/v1/approvals?for=" + u.email(), t.key()).json().get("data");
  }
}
