package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A connection's own rate and parallelism, kept by the queue it owns, against real HTTP servers:
 * one in flight at most with parallelism 1 (replays included), starts never faster than the rate, a
 * destination that is down accumulating its forwards and draining them when back, pause and resume.
 */
class ConnectionLimitsTest extends ServerTest {
  static final Duration WITHIN = Duration.ofSeconds(60);

  @Autowired JdbcClient jdbc;

  private JsonNode source(Fixtures.Tenant t) {
    var r = api.post("/api/v1/sources", t.key(), "{\"name\": \"in\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private JsonNode connection(Fixtures.Tenant t, JsonNode source, String url, String extra) {
    var r =
        api.post(
            "/api/v1/connections",
            t.key(),
            "{\"source_id\": \"%s\", \"name\": \"limited\", \"destination_url\": \"%s\"%s}"
                .formatted(source.get("id").asString(), url, extra));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Api.Response receive(JsonNode source, String body) {
    var r =
        api.send(
            api.request(source.get("url").asString().replaceFirst("^http://[^/]+", ""))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r;
  }

  private JsonNode event(Fixtures.Tenant t, Api.Response answer) {
    String id = answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
    return api.get("/api/v1/inbound-events/" + id, t.key()).json();
  }

  /** When the engine started each attempt to this organization's destinations, in order. */
  private List<Instant> starts(Fixtures.Tenant t) {
    return jdbc.sql(
            "SELECT started_at FROM executions WHERE organization_id = :org AND attempt > 0"
                + " ORDER BY started_at")
        .param("org", t.id())
        .query((rs, n) -> rs.getTimestamp("started_at").toInstant())
        .list();
  }

  @Test
  void parallelism_one_never_has_two_forwards_in_flight_replays_included() {
    var t = fixtures.tenant();
    AtomicInteger most = new AtomicInteger();
    try (Sink sink = Sink.start()) {
      sink.respond(
          r -> {
            most.accumulateAndGet(sink.inFlight(), Math::max);
            return Sink.Reply.status(200).after(Duration.ofMillis(40));
          });
      JsonNode s = source(t);
      JsonNode c = connection(t, s, sink.url("/one"), ", \"parallelism\": 1");
      assertThat(c.get("parallelism").asInt()).isEqualTo(1);
      assertThat(c.get("rate").isNull()).isTrue();
      for (int i = 0; i < 8; i++) {
        receive(s, "{\"n\": " + i + "}");
      }
      sink.awaitCount(8, WITHIN);
      // One at a time, so in the order received.
      assertThat(sink.received())
          .extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
          .containsExactly(
              "{\"n\": 0}",
              "{\"n\": 1}",
              "{\"n\": 2}",
              "{\"n\": 3}",
              "{\"n\": 4}",
              "{\"n\": 5}",
              "{\"n\": 6}",
              "{\"n\": 7}");

      // A replay by filter at a fast rate still goes through the connection's parallelism.
      var replay =
          api.post(
              "/api/v1/inbound-events/replay",
              t.key(),
              "{\"filter\": {\"source_id\": \"%s\"}, \"rate_per_second\": 1000}"
                  .formatted(s.get("id").asString()));
      assertThat(replay.json().get("replayed").asLong()).as(replay.body()).isEqualTo(8);
      sink.awaitCount(16, WITHIN);
      assertThat(most.get()).as("deliveries in flight at once").isEqualTo(1);

      // The queue behind it is the connection's: listed with its owner, changed only through it.
      String queue = "inbound-" + c.get("id").asString();
      JsonNode q = api.get("/api/v1/queues/" + queue, t.key()).json();
      assertThat(q.get("owner").asString()).isEqualTo("inbound connection");
      assertThat(q.get("parallelism").asInt()).isEqualTo(1);
      var put = api.put("/api/v1/queues/" + queue, t.key(), "{\"parallelism\": 50}");
      assertThat(put.status()).isEqualTo(409);
      assertThat(put.body()).contains("inbound connection");
      var push =
          api.post(
              "/api/v1/queues/" + queue + "/messages",
              t.key(),
              "{\"url\": \"" + sink.url("/x") + "\"}");
      assertThat(push.status()).isEqualTo(422);
      assertThat(push.body()).contains("queue", "push to a queue of your own");
      assertThat(api.delete("/api/v1/queues/" + queue, t.key()).status()).isEqualTo(409);

      // Limits changed on the connection reach its queue; deleting the connection drops it.
      var patched =
          api.patch(
              "/api/v1/connections/" + c.get("id").asString(),
              t.key(),
              "{\"parallelism\": 3, \"rate\": {\"limit\": 30, \"per\": \"minute\"}}");
      assertThat(patched.status()).as(patched.body()).isEqualTo(200);
      assertThat(patched.json().get("rate").get("per").asString()).isEqualTo("minute");
      q = api.get("/api/v1/queues/" + queue, t.key()).json();
      assertThat(q.get("parallelism").asInt()).isEqualTo(3);
      assertThat(q.get("rate").get("limit").asInt()).isEqualTo(30);
      assertThat(api.delete("/api/v1/connections/" + c.get("id").asString(), t.key()).status())
          .isEqualTo(204);
      assertThat(api.get("/api/v1/queues/" + queue, t.key()).status()).isEqualTo(404);
    }
  }

  @Test
  void a_rate_per_second_is_never_exceeded() {
    var t = fixtures.tenant();
    try (Sink sink = Sink.start()) {
      JsonNode s = source(t);
      String id =
          connection(
                  t,
                  s,
                  sink.url("/paced"),
                  ", \"parallelism\": 50, \"rate\": {\"limit\": 10, \"per\": \"second\"}")
              .get("id")
              .asString();
      // Held while paused, so that all 25 are ready at once when it resumes.
      api.post("/api/v1/connections/" + id + "/pause", t.key(), "");
      int n = 25;
      for (int i = 0; i < n; i++) {
        receive(s, "{\"n\": " + i + "}");
      }
      // Every slot the rate hands out is at or after this instant, each 100 ms after the one
      // before: so the k-th start, in time order, is at least k × 100 ms after it. A busy machine
      // can only make starts later (and bunch late ones together), never earlier than that;
      // without the rate all 25 would start at once.
      Instant before = Instant.now();
      api.post("/api/v1/connections/" + id + "/resume", t.key(), "");
      sink.awaitCount(n, WITHIN);
      Sink.await(WITHIN, n + " attempts recorded", () -> starts(t).size() >= n);
      List<Instant> starts = starts(t);
      assertThat(starts).hasSize(n);
      for (int k = 0; k < n; k++) {
        // Less 5 ms: the history's timestamps and this JVM's clock are read at different places.
        assertThat(starts.get(k))
            .as("start %d of %d at 10 a second", k + 1, n)
            .isAfterOrEqualTo(before.plusMillis(100L * k - 5));
      }
      // And the rate does not starve them: all 25 within a generous bound of the 2.4 s it takes.
      assertThat(Duration.between(before, starts.getLast())).isLessThan(WITHIN);
    }
  }

  @Test
  void forwards_to_a_destination_that_is_down_accumulate_and_drain_when_it_is_back() {
    var t = fixtures.tenant();
    AtomicBoolean down = new AtomicBoolean(true);
    java.util.Set<String> delivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (Sink sink = Sink.start()) {
      sink.respond(
          r -> {
            if (down.get()) {
              return Sink.Reply.status(503);
            }
            delivered.add(new String(r.body(), StandardCharsets.UTF_8));
            return Sink.Reply.status(200);
          });
      JsonNode s = source(t);
      connection(
          t,
          s,
          sink.url("/flaky"),
          ", \"retries\": 10, \"parallelism\": 2, \"rate\": {\"limit\": 20, \"per\": \"second\"}");
      int n = 6;
      Api.Response last = null;
      for (int i = 0; i < n; i++) {
        last = receive(s, "{\"n\": " + i + "}");
      }
      // Two in flight, retried with backoff; the rest wait in the connection's queue.
      sink.awaitCount(4, WITHIN);
      JsonNode e = event(t, last);
      assertThat(e.get("forwards").get(0).get("queue_state").asString()).isEqualTo("waiting");
      assertThat(sink.received()).allMatch(r -> r.path().equals("/flaky"));

      down.set(false);
      Sink.await(
          WITHIN,
          "every request delivered once the destination is back",
          () -> delivered.size() == n);
      Api.Response lastAnswer = last;
      Sink.await(
          WITHIN,
          "the last forward delivered",
          () ->
              "delivered"
                  .equals(
                      event(t, lastAnswer).get("forwards").get(0).get("queue_state").asString()));
      JsonNode attempts = event(t, last).get("forwards").get(0).get("attempts");
      assertThat(attempts.get(attempts.size() - 1).get("status").asString()).isEqualTo("success");
    }
  }

  @Test
  void a_paused_limited_connection_holds_everything_and_resume_drains_it_at_its_pace() {
    var t = fixtures.tenant();
    AtomicInteger most = new AtomicInteger();
    try (Sink sink = Sink.start()) {
      sink.respond(
          r -> {
            most.accumulateAndGet(sink.inFlight(), Math::max);
            return Sink.Reply.status(200).after(Duration.ofMillis(30));
          });
      JsonNode s = source(t);
      JsonNode c = connection(t, s, sink.url("/later"), ", \"parallelism\": 1");
      String id = c.get("id").asString();
      assertThat(api.post("/api/v1/connections/" + id + "/pause", t.key(), "").status())
          .isEqualTo(200);
      var first = receive(s, "{\"n\": 1}");
      receive(s, "{\"n\": 2}");
      receive(s, "{\"n\": 3}");
      assertThat(event(t, first).get("forwards").get(0).get("state").asString()).isEqualTo("held");
      assertThat(api.get("/api/v1/queues/inbound-" + id, t.key()).json().get("paused").asBoolean())
          .isTrue();
      assertThat(sink.count()).isZero();

      assertThat(api.post("/api/v1/connections/" + id + "/resume", t.key(), "").status())
          .isEqualTo(200);
      sink.awaitCount(3, WITHIN);
      assertThat(sink.received())
          .extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
          .containsExactly("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}");
      assertThat(most.get()).isEqualTo(1);
      assertThat(event(t, first).get("forwards").get(0).get("state").asString())
          .isEqualTo("queued");
    }
  }

  @Test
  void a_limited_forwards_attempt_page_names_and_links_the_request_it_carries() {
    var t = fixtures.tenant();
    var user = fixtures.user(t.id(), Role.MEMBER);
    try (Sink sink = Sink.start()) {
      JsonNode s = source(t);
      connection(t, s, sink.url("/limited"), ", \"parallelism\": 1");
      Api.Response answer = receive(s, "{\"n\": 1}");
      sink.awaitCount(1, WITHIN);
      String eventId = answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
      Sink.await(
          WITHIN,
          "the forward's attempt recorded",
          () ->
              jdbc.sql(
                          "SELECT count(*) FROM executions WHERE organization_id = :org"
                              + " AND source_kind = 'message' AND attempt > 0")
                      .param("org", t.id())
                      .query(Long.class)
                      .single()
                  == 1);
      java.util.UUID execution =
          jdbc.sql(
                  "SELECT id FROM executions WHERE organization_id = :org"
                      + " AND source_kind = 'message' AND attempt > 0")
              .param("org", t.id())
              .query(java.util.UUID.class)
              .single();

      var page = signIn(user).get("/executions/" + execution);
      assertThat(page.status()).isEqualTo(200);
      // A queue message's attempt, and the page says whose: the request, linked.
      assertThat(page.body())
          .contains("href=\"/inbound/events/" + eventId + "\"")
          .contains("Inbound: in → limited")
          // Its button leads to the request's page, named so (not "Job history").
          .contains("href=\"/inbound/events/" + eventId + "\">Inbound event</a>")
          .doesNotContain("Job history");
    }
  }

  @Test
  void limits_out_of_range_are_422_naming_the_field_and_nothing_is_saved() {
    var t = fixtures.tenant();
    JsonNode s = source(t);
    var r =
        api.post(
            "/api/v1/connections",
            t.key(),
            ("{\"source_id\": \"%s\", \"name\": \"x\", \"destination_url\": \"http://example.com\","
                    + " \"parallelism\": 0, \"rate\": {\"limit\": 5, \"per\": \"hour\"}}")
                .formatted(s.get("id").asString()));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.contentType()).contains("application/problem+json");
    assertThat(r.body()).contains("parallelism", "rate.per", "second or minute");
    assertThat(api.get("/api/v1/connections", t.key()).json().get("data")).isEmpty();
    assertThat(api.get("/api/v1/queues", t.key()).json()).isEmpty();
  }
}
