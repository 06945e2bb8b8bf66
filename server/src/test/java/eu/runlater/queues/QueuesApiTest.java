package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Organizations;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import eu.runlater.testing.StandardWebhooksVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Queues and messages through the API, delivered by the running engine to real HTTP targets. */
@org.junit.jupiter.api.Tag(eu.runlater.support.ServerTest.ALONE)
class QueuesApiTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;
  @Autowired Organizations organizations;
  @Autowired Releaser releaser;
  @Autowired MeterRegistry meters;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private String message(String path, String extra) {
    return """
        {"url": "%s", "body": {"n": "%s"}%s}
        """
        .formatted(sink.url(path), path, extra.isEmpty() ? "" : ", " + extra);
  }

  private JsonNode push(Fixtures.Tenant t, String queue, String json) {
    var r = api.post("/api/v1/queues/" + queue + "/messages", t.key(), json);
    assertThat(r.status()).as(r.body()).isIn(200, 201);
    return r.json();
  }

  private JsonNode awaitMessage(Fixtures.Tenant t, String id, String state) {
    JsonNode[] last = new JsonNode[1];
    Sink.await(
        WAIT,
        "message " + id + " to be " + state,
        () -> {
          last[0] = api.get("/api/v1/messages/" + id, t.key()).json();
          return state.equals(last[0].get("state").asString());
        });
    return last[0];
  }

  private String bodyOf(Sink.Received r) {
    return eu.runlater.support.Api.JSON.readTree(r.body()).get("n").asString();
  }

  @Test
  void a_pushed_message_is_delivered_signed_and_every_attempt_is_recorded() {
    var t = fixtures.tenant();
    var pushed = api.post("/api/v1/queues/emails/messages", t.key(), message("/welcome", ""));
    assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
    String id = pushed.json().get("message_id").asString();
    assertThat(pushed.headers().firstValue("Location")).hasValue("/api/v1/messages/" + id);

    sink.awaitCount(1, WAIT);
    Sink.Received r = sink.received().getFirst();
    assertThat(r.header("Runlater-Message-Id")).isEqualTo(id);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    String secret = organizations.signingSecrets(t.id()).getFirst();
    assertThat(
            new StandardWebhooksVerifier(secret)
                .verify(
                    r.header("webhook-id"),
                    r.header("webhook-timestamp"),
                    r.header("webhook-signature"),
                    r.body()))
        .isTrue();

    JsonNode done = awaitMessage(t, id, "delivered");
    assertThat(done.get("queue").asString()).isEqualTo("emails");
    assertThat(done.get("attempts").asInt()).isEqualTo(1);
    assertThat(done.get("last_status_code").asInt()).isEqualTo(200);
    assertThat(done.get("executions")).hasSize(1);
    assertThat(done.get("executions").get(0).get("status").asString()).isEqualTo("success");

    JsonNode queue = api.get("/api/v1/queues/emails", t.key()).json();
    assertThat(queue.get("parallelism").asInt()).isEqualTo(Queue.DEFAULT_PARALLELISM);
    assertThat(queue.get("in_flight").asLong()).isZero();
    assertThat(queue.get("waiting").asLong()).isZero();
  }

  @Test
  void parallelism_one_delivers_strictly_in_push_order_one_at_a_time() {
    var t = fixtures.tenant();
    var put = api.put("/api/v1/queues/serial", t.key(), "{\"parallelism\": 1}");
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    AtomicInteger most = new AtomicInteger();
    sink.respond(
        r -> {
          most.accumulateAndGet(sink.inFlight(), Math::max);
          return Reply.status(200).after(Duration.ofMillis(20));
        });
    List<String> pushed = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      push(t, "serial", message("/" + i, ""));
      pushed.add("/" + i);
    }
    sink.awaitCount(15, WAIT);
    assertThat(sink.received().stream().map(this::bodyOf).toList()).isEqualTo(pushed);
    assertThat(most.get()).isEqualTo(1);
  }

  @Test
  void the_message_a_finished_one_makes_room_for_starts_without_a_claim() {
    var t = fixtures.tenant();
    api.put("/api/v1/queues/relay", t.key(), "{\"parallelism\": 1, \"paused\": true}");
    AtomicInteger most = new AtomicInteger();
    sink.respond(
        r -> {
          most.accumulateAndGet(sink.inFlight(), Math::max);
          return Reply.status(200);
        });
    for (int i = 0; i < 20; i++) {
      push(t, "relay", message("/" + i, ""));
    }
    double before = handedOff();
    var resumed = api.post("/api/v1/queues/relay/resume", t.key(), "");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    sink.awaitCount(20, WAIT);
    assertThat(most.get()).isEqualTo(1);
    // Each of the 19 after the first is released by its predecessor's outcome and handed to a
    // worker in the completer's commit, unless the producer happened to be awake at that moment.
    assertThat(handedOff() - before).isGreaterThanOrEqualTo(10);
  }

  private double handedOff() {
    return meters.find("runlater.tasks.handed.off").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void an_ordering_key_keeps_its_messages_in_order_while_keys_run_side_by_side() {
    var t = fixtures.tenant();
    api.put("/api/v1/queues/keyed", t.key(), "{\"parallelism\": 10}");
    Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    Map<String, Integer> mostPerKey = new ConcurrentHashMap<>();
    AtomicInteger most = new AtomicInteger();
    sink.respond(
        r -> {
          String key = r.path().substring(1, 2);
          int now = perKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          mostPerKey.merge(key, now, Math::max);
          most.accumulateAndGet(sink.inFlight(), Math::max);
          try {
            Thread.sleep(30);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          perKey.get(key).decrementAndGet();
          return Reply.status(200);
        });
    Map<String, List<String>> expected = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      for (String key : List.of("a", "b", "c")) {
        String path = "/" + key + i;
        push(t, "keyed", message(path, "\"ordering_key\": \"" + key + "\""));
        expected.computeIfAbsent(key, k -> new ArrayList<>()).add(path);
      }
    }
    sink.awaitCount(24, WAIT);
    Map<String, List<String>> seen = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      seen.computeIfAbsent(r.path().substring(1, 2), k -> new ArrayList<>()).add(r.path());
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(mostPerKey.values()).containsOnly(1);
    assertThat(most.get()).as("keys deliver side by side").isGreaterThan(1);
  }

  @Test
  void a_rate_limit_spaces_starts_within_ten_percent() {
    var t = fixtures.tenant();
    api.put(
        "/api/v1/queues/limited",
        t.key(),
        "{\"parallelism\": 100, \"rate\": {\"limit\": 20, \"per\": \"second\"}}");
    int n = 60;
    for (int i = 0; i < n; i++) {
      push(t, "limited", message("/" + i, ""));
    }
    sink.awaitCount(n, WAIT);
    // When the engine started each delivery: arrival times at the sink bunch up when the machine
    // is busy (two test JVMs share two cores), which says nothing about the rate the engine kept.
    Sink.await(
        WAIT,
        n + " executions recorded",
        () ->
            jdbc.sql(
                        "SELECT count(*) FROM executions WHERE organization_id = :org"
                            + " AND attempt > 0")
                    .param("org", t.id())
                    .query(Long.class)
                    .single()
                >= n);
    List<Instant> starts =
        jdbc.sql(
                "SELECT started_at FROM executions WHERE organization_id = :org AND attempt > 0"
                    + " ORDER BY started_at")
            .param("org", t.id())
            .query((rs, row) -> rs.getTimestamp("started_at").toInstant())
            .list();
    assertThat(starts).hasSize(n);
    double seconds = Duration.between(starts.getFirst(), starts.getLast()).toMillis() / 1000.0;
    double rate = (n - 1) / seconds;
    assertThat(rate).as("starts per second").isBetween(18.0, 22.0);
    // No one-second window holds more than the limit (plus the 10%).
    for (int i = 0; i < n; i++) {
      Instant end = starts.get(i).plusSeconds(1);
      long inWindow =
          starts.stream().filter(s -> !s.isBefore(starts.get(0)) && !s.isAfter(end)).count() - i;
      assertThat(inWindow).isLessThanOrEqualTo(22);
    }
  }

  @Test
  void retries_start_within_the_queues_rate_too() {
    var t = fixtures.tenant();
    api.put(
        "/api/v1/queues/retried",
        t.key(),
        "{\"parallelism\": 100, \"rate\": {\"limit\": 10, \"per\": \"second\"}}");
    // Every first attempt is a 429 with a Retry-After of 0: on the engine's backoff alone, all 20
    // retries would fall due together and start in one burst.
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    sink.respond(
        r ->
            calls.computeIfAbsent(r.path(), p -> new AtomicInteger()).incrementAndGet() == 1
                ? new Reply(429, Map.of("Retry-After", "0"), new byte[0], Duration.ZERO)
                : Reply.status(200));
    int n = 20;
    for (int i = 0; i < n; i++) {
      push(t, "retried", message("/r" + i, ""));
    }
    sink.awaitCount(2 * n, WAIT);
    for (int i = 0; i < n; i++) {
      awaitMessage(t, sink.received().get(i).header("Runlater-Message-Id"), "delivered");
    }
    // When the engine started each attempt (arrival times at the sink bunch up when the machine is
    // busy, which says nothing about the rate the engine kept).
    List<Instant> starts =
        jdbc.sql(
                "SELECT started_at FROM executions WHERE organization_id = :org AND attempt > 0"
                    + " ORDER BY started_at")
            .param("org", t.id())
            .query((rs, row) -> rs.getTimestamp("started_at").toInstant())
            .list();
    assertThat(starts).hasSize(2 * n);
    // Every start, first attempts and retries alike, within the limit plus 10% in any second.
    for (int i = 0; i < starts.size(); i++) {
      Instant end = starts.get(i).plusSeconds(1);
      long inWindow = starts.stream().filter(s -> s.isBefore(end)).count() - i;
      assertThat(inWindow).as("starts in the second from start " + i).isLessThanOrEqualTo(11);
    }
    assertThat(sink.received()).hasSize(2 * n);
  }

  @Test
  void fifty_concurrent_pushes_with_one_dedup_id_make_exactly_one_message() throws Exception {
    var t = fixtures.tenant();
    api.put("/api/v1/queues/dedup", t.key(), "{}");
    CountDownLatch go = new CountDownLatch(1);
    List<Future<JsonNode>> results = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  var r =
                      api.post(
                          "/api/v1/queues/dedup/messages",
                          t.key(),
                          message("/once", "\"dedup_id\": \"order-42\""));
                  assertThat(r.status()).as(r.body()).isIn(200, 201);
                  return r.json();
                }));
      }
      go.countDown();
    }
    List<String> ids = new ArrayList<>();
    int fresh = 0;
    for (var f : results) {
      JsonNode r = f.get();
      ids.add(r.get("message_id").asString());
      if (!r.get("deduplicated").asBoolean()) {
        fresh++;
      }
    }
    assertThat(fresh).isEqualTo(1);
    assertThat(ids).containsOnly(ids.getFirst());
    assertThat(
            jdbc.sql("SELECT count(*) FROM messages WHERE organization_id = :o")
                .param("o", t.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);
    awaitMessage(t, ids.getFirst(), "delivered");
    assertThat(sink.count()).isEqualTo(1);
  }

  @Test
  void content_based_dedup_matches_identical_requests_only() {
    var t = fixtures.tenant();
    JsonNode first = push(t, "cbd", message("/same", "\"content_based_dedup\": true"));
    JsonNode again = push(t, "cbd", message("/same", "\"content_based_dedup\": true"));
    JsonNode other = push(t, "cbd", message("/other", "\"content_based_dedup\": true"));
    assertThat(again.get("deduplicated").asBoolean()).isTrue();
    assertThat(again.get("message_id")).isEqualTo(first.get("message_id"));
    assertThat(other.get("deduplicated").asBoolean()).isFalse();
  }

  @Test
  void a_delayed_message_waits_and_can_be_cancelled_before_it_goes() {
    var t = fixtures.tenant();
    Instant pushedAt = Instant.now();
    JsonNode soon = push(t, "later", message("/soon", "\"delay\": \"2s\""));
    JsonNode late = push(t, "later", message("/late", "\"delay\": \"1h\""));
    String lateId = late.get("message_id").asString();
    assertThat(api.get("/api/v1/messages/" + lateId, t.key()).json().get("state").asString())
        .isEqualTo("waiting");

    var cancelled = api.post("/api/v1/messages/" + lateId + "/cancel", t.key(), "");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("state").asString()).isEqualTo("cancelled");
    var again = api.post("/api/v1/messages/" + lateId + "/cancel", t.key(), "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).isEqualTo("application/problem+json");

    awaitMessage(t, soon.get("message_id").asString(), "delivered");
    assertThat(sink.received()).hasSize(1);
    assertThat(sink.received().getFirst().at()).isAfterOrEqualTo(pushedAt.plusSeconds(2));
    assertThat(sink.received().getFirst().path()).isEqualTo("/soon");
  }

  @Test
  void delayed_messages_start_at_their_time_not_before_and_not_at_the_next_sweep() {
    var t = fixtures.tenant();
    Map<String, Instant> due = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      JsonNode m =
          push(t, "timed", message("/timed-" + i, "\"delay\": \"" + (900 + 50 * i) + "ms\""));
      due.put("/timed-" + i, Instant.parse(m.get("not_before").asString()));
    }
    sink.awaitCount(20, WAIT);
    for (Sink.Received r : sink.received()) {
      Instant at = due.get(r.path());
      // Released ahead of time as tasks due at not_before: never early, and started by the
      // engine's timer rather than by the releaser's 5-second fallback sweep.
      assertThat(r.at()).as(r.path()).isAfterOrEqualTo(at);
      assertThat(Duration.between(at, r.at())).as(r.path()).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void a_paused_queue_holds_its_messages_until_resumed() throws Exception {
    var t = fixtures.tenant();
    api.put("/api/v1/queues/held", t.key(), "{\"paused\": true}");
    JsonNode m = push(t, "held", message("/held", ""));
    UUID queueId =
        jdbc.sql("SELECT id FROM queues WHERE organization_id = :o AND name = 'held'")
            .param("o", t.id())
            .query(UUID.class)
            .single();
    releaser.releaseNow(queueId);
    assertThat(
            api.get("/api/v1/messages/" + m.get("message_id").asString(), t.key())
                .json()
                .get("state")
                .asString())
        .isEqualTo("waiting");
    assertThat(
            jdbc.sql("SELECT count(*) FROM tasks WHERE organization_id = :o")
                .param("o", t.id())
                .query(Long.class)
                .single())
        .isZero();
    assertThat(api.get("/api/v1/queues/held", t.key()).json().get("waiting").asLong()).isEqualTo(1);

    var resumed = api.post("/api/v1/queues/held/resume", t.key(), "");
    assertThat(resumed.json().get("paused").asBoolean()).isFalse();
    awaitMessage(t, m.get("message_id").asString(), "delivered");
  }

  @Test
  void a_failed_message_lands_in_the_dead_letter_list_with_callbacks_and_can_be_redriven() {
    var t = fixtures.tenant();
    AtomicInteger targetCalls = new AtomicInteger();
    sink.respond(
        r -> {
          if (r.path().equals("/target")) {
            return targetCalls.incrementAndGet() <= 2
                ? Reply.status(500).withBody("{\"error\":\"boom\"}".getBytes())
                : Reply.status(200).withBody("thanks".getBytes());
          }
          return Reply.status(204);
        });
    String extra =
        "\"retries\": 1, \"callback_url\": \"%s\", \"failure_callback_url\": \"%s\""
            .formatted(sink.url("/ok"), sink.url("/failed"));
    JsonNode m =
        push(
            t,
            "dlq",
            """
        {"url": "%s", "body": "hi", %s}
        """
                .formatted(sink.url("/target"), extra));
    String id = m.get("message_id").asString();

    JsonNode dead = awaitMessage(t, id, "failed");
    assertThat(dead.get("attempts").asInt()).isEqualTo(2);
    assertThat(dead.get("last_status_code").asInt()).isEqualTo(500);
    var listed = api.get("/api/v1/dlq?queue=dlq", t.key()).json().get("data");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("id").asString()).isEqualTo(id);
    assertThat(api.get("/api/v1/dlq/" + id, t.key()).json().get("executions")).hasSize(2);

    Sink.await(WAIT, "the failure callback", () -> paths().contains("/failed"));
    Sink.Received failure = byPath("/failed");
    JsonNode body = eu.runlater.support.Api.JSON.readTree(failure.body());
    assertThat(body.get("message_id").asString()).isEqualTo(id);
    assertThat(body.get("state").asString()).isEqualTo("failed");
    assertThat(body.get("status_code").asInt()).isEqualTo(500);
    assertThat(new String(Base64.getDecoder().decode(body.get("body").asString())))
        .isEqualTo("{\"error\":\"boom\"}");
    assertThat(body.get("attempts").asInt()).isEqualTo(2);
    String secret = organizations.signingSecrets(t.id()).getFirst();
    assertThat(
            new StandardWebhooksVerifier(secret)
                .verify(
                    failure.header("webhook-id"),
                    failure.header("webhook-timestamp"),
                    failure.header("webhook-signature"),
                    failure.body()))
        .isTrue();
    assertThat(paths()).doesNotContain("/ok");

    var redriven = api.post("/api/v1/dlq/" + id + "/redrive", t.key(), "");
    assertThat(redriven.status()).as(redriven.body()).isEqualTo(200);
    JsonNode delivered = awaitMessage(t, id, "delivered");
    assertThat(delivered.get("redrives").asInt()).isEqualTo(1);
    assertThat(delivered.get("attempts").asInt()).isEqualTo(3);
    Sink.await(WAIT, "the success callback", () -> paths().contains("/ok"));
    JsonNode ok = eu.runlater.support.Api.JSON.readTree(byPath("/ok").body());
    assertThat(ok.get("state").asString()).isEqualTo("delivered");
    assertThat(new String(Base64.getDecoder().decode(ok.get("body").asString())))
        .isEqualTo("thanks");
    assertThat(api.get("/api/v1/dlq", t.key()).json().get("data")).isEmpty();
  }

  @Test
  void redriving_by_filter_counts_first_and_spaces_the_replay() {
    var t = fixtures.tenant();
    AtomicInteger healthy = new AtomicInteger();
    sink.respond(r -> Reply.status(healthy.get() == 1 ? 200 : 503));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(push(t, "replay", message("/r" + i, "\"retries\": 0")).get("message_id").asString());
    }
    push(t, "other", message("/x", "\"retries\": 0"));
    for (String id : ids) {
      awaitMessage(t, id, "failed");
    }
    var dry =
        api.post(
            "/api/v1/dlq/redrive",
            t.key(),
            "{\"filter\": {\"queue\": \"replay\", \"status_code\": 503}, \"dry_run\": true}");
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("matched").asLong()).isEqualTo(5);
    assertThat(dry.json().get("redriven").asLong()).isZero();
    assertThat(api.get("/api/v1/dlq?queue=replay", t.key()).json().get("data")).hasSize(5);

    healthy.set(1);
    int before = sink.count();
    var run =
        api.post(
            "/api/v1/dlq/redrive",
            t.key(),
            "{\"filter\": {\"queue\": \"replay\"}, \"rate_per_second\": 5}");
    assertThat(run.json().get("redriven").asLong()).isEqualTo(5);
    for (String id : ids) {
      awaitMessage(t, id, "delivered");
    }
    List<Instant> starts =
        sink.received().subList(before, sink.count()).stream()
            .map(Sink.Received::at)
            .sorted()
            .toList();
    assertThat(starts).hasSize(5);
    // 5 per second: four gaps of 200 ms.
    assertThat(Duration.between(starts.getFirst(), starts.getLast()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(720));
    assertThat(api.get("/api/v1/dlq?queue=other", t.key()).json().get("data")).hasSize(1);
  }

  @Test
  void bad_input_is_a_problem_that_says_what_to_fix_and_enqueues_nothing() {
    var t = fixtures.tenant();
    record Case(String body, String field) {}
    List<Case> cases =
        List.of(
            new Case("{\"url\": \"not a url\"}", "url"),
            new Case("{\"url\": \"http://169.254.169.254/latest\"}", "url"),
            new Case("{\"url\": \"%s\", \"delay\": \"400d\"}".formatted(sink.url("/")), "delay"),
            new Case("{\"url\": \"%s\", \"delay\": \"soon\"}".formatted(sink.url("/")), "delay"),
            new Case(
                "{\"url\": \"%s\", \"not_before\": \"2020-01-01T00:00:00Z\"}"
                    .formatted(sink.url("/")),
                "not_before"),
            new Case("{\"url\": \"%s\", \"retries\": 11}".formatted(sink.url("/")), "retries"),
            new Case(
                "{\"url\": \"%s\", \"dedup_id\": \"a\", \"content_based_dedup\": true}"
                    .formatted(sink.url("/")),
                "content_based_dedup"),
            new Case(
                "{\"url\": \"%s\", \"callback_url\": \"http://10.0.0.1/\"}"
                    .formatted(sink.url("/")),
                "callback_url"),
            new Case(
                "{\"url\": \"%s\", \"headers\": {\"Runlater-Delay\": \"1s\"}}"
                    .formatted(sink.url("/")),
                "headers.Runlater-Delay"));
    for (Case c : cases) {
      var r = api.post("/api/v1/queues/fresh/messages", t.key(), c.body());
      assertThat(r.status()).as(c.body() + " → " + r.body()).isEqualTo(422);
      assertThat(r.contentType()).isEqualTo("application/problem+json");
      assertThat(r.json().get("errors").toString()).as(c.body()).contains(c.field());
    }
    var badName = api.post("/api/v1/queues/bad%20name/messages", t.key(), message("/", ""));
    assertThat(badName.status()).isEqualTo(422);
    String big = "x".repeat(300 * 1024);
    var tooBig =
        api.post(
            "/api/v1/queues/fresh/messages",
            t.key(),
            "{\"url\": \"%s\", \"body\": \"%s\"}".formatted(sink.url("/"), big));
    assertThat(tooBig.status()).isEqualTo(413);
    var badRate =
        api.put("/api/v1/queues/fresh", t.key(), "{\"rate\": {\"limit\": 0, \"per\": \"hour\"}}");
    assertThat(badRate.status()).isEqualTo(422);
    assertThat(badRate.json().get("errors").toString()).contains("rate.limit", "rate.per");

    for (String table : List.of("queues", "messages")) {
      assertThat(
              jdbc.sql("SELECT count(*) FROM " + table + " WHERE organization_id = :o")
                  .param("o", t.id())
                  .query(Long.class)
                  .single())
          .as(table)
          .isZero();
    }
  }

  @Test
  void another_organizations_queue_and_message_are_not_found() {
    var owner = fixtures.tenant();
    var other = fixtures.tenant();
    JsonNode m = push(owner, "private", message("/p", "\"delay\": \"1h\""));
    assertThat(api.get("/api/v1/queues/private", other.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/messages/" + m.get("message_id").asString(), other.key()).status())
        .isEqualTo(404);
    assertThat(
            api.post(
                    "/api/v1/messages/" + m.get("message_id").asString() + "/cancel",
                    other.key(),
                    "")
                .status())
        .isEqualTo(404);
    assertThat(api.delete("/api/v1/queues/private", other.key()).status()).isEqualTo(404);
  }

  private List<String> paths() {
    return sink.received().stream().map(Sink.Received::path).toList();
  }

  @Test
  void a_message_says_in_the_dashboards_words_what_holds_it() {
    var tenant = fixtures.tenant();
    assertThat(api.put("/api/v1/queues/halted", tenant.key(), "{\"paused\": true}").status())
        .isIn(200, 201);
    String id =
        api.post(
                "/api/v1/queues/halted/messages",
                tenant.key(),
                "{\"url\": \"" + sink.url("/held") + "\"}")
            .json()
            .get("message_id")
            .asString();
    JsonNode held = api.get("/api/v1/messages/" + id, tenant.key()).json();
    assertThat(held.get("state").asString()).isEqualTo("waiting");
    assertThat(held.get("run_state").asString()).isEqualTo("held");
    assertThat(held.get("hold").get("kind").asString()).isEqualTo("queue_paused");
    assertThat(held.get("hold").get("href").asString()).isEqualTo("/queues/halted");

    api.post("/api/v1/queues/halted/resume", tenant.key(), "");
    sink.awaitCount(1, WAIT);
    Sink.await(
        WAIT,
        "the message delivered",
        () ->
            "succeeded"
                .equals(
                    api.get("/api/v1/messages/" + id, tenant.key())
                        .json()
                        .get("run_state")
                        .asString()));
    JsonNode done = api.get("/api/v1/messages/" + id, tenant.key()).json();
    assertThat(done.get("hold").isNull()).isTrue();
    assertThat(done.get("attempts").asInt()).isEqualTo(done.get("executions").size());
  }

  private Sink.Received byPath(String path) {
    return sink.received().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
  }
}
