package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Connections forward accepted requests as engine tasks to real HTTP servers: fan-out with one
 * destination failing, CEL filters and transformations, pause and resume, a body over the API's 256
 * KB forwarded whole, and what the event's detail shows of each forward and its attempts.
 */
class ForwardingTest extends ServerTest {
  static final Duration WITHIN = Duration.ofSeconds(30);

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
            "{\"source_id\": \"%s\", \"name\": \"to %s\", \"destination_url\": \"%s\"%s}"
                .formatted(source.get("id").asString(), url, url, extra));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Api.Response receive(JsonNode source, String body, String... headers) {
    HttpRequest.Builder b =
        api.request(source.get("url").asString().replaceFirst("^http://[^/]+", "") + "/hook")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    var r = api.send(b);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r;
  }

  private JsonNode event(Fixtures.Tenant t, Api.Response answer) {
    String id = answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
    return api.get("/api/v1/inbound-events/" + id, t.key()).json();
  }

  private static JsonNode forwardTo(JsonNode event, String url) {
    for (JsonNode f : event.get("forwards")) {
      if (f.get("destination_url").asString().equals(url)) {
        return f;
      }
    }
    throw new AssertionError("no forward to " + url + " in " + event);
  }

  @Test
  void one_request_fans_out_to_three_destinations_and_one_failing_leaves_the_others_delivered()
      throws Exception {
    var t = fixtures.tenant();
    try (Sink a = Sink.start();
        Sink b = Sink.start();
        Sink down = Sink.start().respond(r -> Sink.Reply.status(503))) {
      JsonNode s = source(t);
      connection(t, s, a.url("/a"), "");
      connection(t, s, b.url("/b"), "");
      connection(t, s, down.url("/down"), ", \"retries\": 1, \"timeout_ms\": 2000");
      String body = "{\"id\": \"evt_9\", \"type\": \"invoice.paid\"}";
      var answer = receive(s, body, "X-Provider", "acme");

      a.awaitCount(1, WITHIN);
      b.awaitCount(1, WITHIN);
      down.awaitCount(2, WITHIN);
      for (Sink ok : new Sink[] {a, b}) {
        Sink.Received got = ok.received().getFirst();
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.header("X-Provider")).isEqualTo("acme");
        assertThat(got.header("Content-Type")).startsWith("application/json");
        // The delivery contract: signed by Runlater, with its own ids.
        assertThat(got.header("webhook-signature")).startsWith("v1,");
        assertThat(got.header("Runlater-Execution-Id")).isNotNull();
      }
      String downUrl = down.url("/down");
      Sink.await(
          WITHIN,
          "the failing forward's two attempts in history",
          () -> forwardTo(event(t, answer), downUrl).get("attempts").size() == 2);
      JsonNode e = event(t, answer);
      assertThat(e.get("forwards")).hasSize(3);
      JsonNode failing = forwardTo(e, downUrl);
      assertThat(failing.get("state").asString()).isEqualTo("queued");
      assertThat(failing.get("attempts").get(0).get("status_code").asInt()).isEqualTo(503);
      assertThat(failing.get("attempts").get(1).get("attempt").asInt()).isEqualTo(2);
      String aUrl = a.url("/a");
      Sink.await(
          WITHIN,
          "the delivered forward's attempt in history",
          () -> forwardTo(event(t, answer), aUrl).get("attempts").size() == 1);
      assertThat(forwardTo(event(t, answer), aUrl).get("attempts").get(0).get("status").asString())
          .isEqualTo("success");
      assertThat(a.count()).isEqualTo(1);
      assertThat(b.count()).isEqualTo(1);
    }
  }

  @Test
  void a_filter_decides_what_is_forwarded_and_a_transformation_rewrites_body_and_headers() {
    var t = fixtures.tenant();
    try (Sink paid = Sink.start();
        Sink shaped = Sink.start()) {
      JsonNode s = source(t);
      connection(
          t,
          s,
          paid.url("/paid"),
          ", \"filter\": \"body.type == 'invoice.paid' && headers['x-env'] == 'prod'\"");
      connection(
          t,
          s,
          shaped.url("/shaped"),
          ", \"method\": \"PUT\", \"transform\": \"{'body': {'kind': body.type, 'cents':"
              + " body.amount * 100, 'path': path}, 'headers': {'X-Kind': body.type,"
              + " 'Content-Type': 'application/json'}}\"");

      var skipped = receive(s, "{\"type\": \"invoice.void\", \"amount\": 2}", "X-Env", "prod");
      var taken = receive(s, "{\"type\": \"invoice.paid\", \"amount\": 3}", "X-Env", "prod");

      paid.awaitCount(1, WITHIN);
      shaped.awaitCount(2, WITHIN);
      assertThat(new String(paid.received().getFirst().body(), StandardCharsets.UTF_8))
          .contains("invoice.paid");
      JsonNode filtered = forwardTo(event(t, skipped), paid.url("/paid"));
      assertThat(filtered.get("state").asString()).isEqualTo("filtered");
      assertThat(filtered.get("detail").asString()).startsWith("filter is false");
      assertThat(forwardTo(event(t, taken), paid.url("/paid")).get("state").asString())
          .isEqualTo("queued");

      Sink.Received reshaped =
          shaped.received().stream()
              .filter(r -> r.header("X-Kind").equals("invoice.paid"))
              .findFirst()
              .orElseThrow();
      assertThat(reshaped.method()).isEqualTo("PUT");
      JsonNode body = Api.JSON.readTree(new String(reshaped.body(), StandardCharsets.UTF_8));
      assertThat(body.get("kind").asString()).isEqualTo("invoice.paid");
      assertThat(body.get("cents").asLong()).isEqualTo(300);
      assertThat(body.get("path").asString()).isEqualTo("/hook");
      // The transformation's headers replace the received ones.
      assertThat(reshaped.header("X-Env")).isNull();
      assertThat(paid.received().getFirst().header("X-Env")).isEqualTo("prod");
    }
  }

  /**
   * A body the hosted URL takes (up to 1 MB) but over the API's 256 KB for a job's body is
   * forwarded whole, straight to the engine and through a limited connection's queue.
   */
  @Test
  void a_700_kb_request_is_forwarded_whole_directly_and_through_a_limited_connection() {
    var t = fixtures.tenant();
    try (Sink direct = Sink.start();
        Sink paced = Sink.start()) {
      JsonNode s = source(t);
      connection(t, s, direct.url("/big"), "");
      connection(t, s, paced.url("/big"), ", \"parallelism\": 1");
      StringBuilder blob = new StringBuilder("{\"lines\": [");
      for (int i = 0; blob.length() < 700 * 1024; i++) {
        blob.append(i == 0 ? "" : ", ")
            .append('"')
            .append(i)
            .append(": ")
            .append("x".repeat(60))
            .append('"');
      }
      String body = blob.append("]}").toString();
      assertThat(body.length()).isBetween(700 * 1024, Inbox.MAX_BODY);
      var answer = receive(s, body);

      direct.awaitCount(1, WITHIN);
      paced.awaitCount(1, WITHIN);
      for (Sink sink : new Sink[] {direct, paced}) {
        assertThat(sink.received().getFirst().body())
            .isEqualTo(body.getBytes(StandardCharsets.UTF_8));
      }
      for (String url : new String[] {direct.url("/big"), paced.url("/big")}) {
        Sink.await(
            WITHIN,
            "the forward to " + url + " delivered",
            () -> {
              JsonNode f = forwardTo(event(t, answer), url);
              return f.get("attempts").size() == 1
                  && f.get("attempts").get(0).get("status").asString().equals("success");
            });
        assertThat(forwardTo(event(t, answer), url).get("state").asString()).isEqualTo("queued");
      }
    }
  }

  @Test
  void a_transformation_that_fails_is_recorded_on_its_forward_and_bad_cel_is_422() {
    var t = fixtures.tenant();
    JsonNode s = source(t);
    try (Sink sink = Sink.start()) {
      connection(t, s, sink.url("/x"), ", \"transform\": \"{'body': body.missing.field}\"");
      var answer = receive(s, "{\"type\": \"a\"}");
      JsonNode f = event(t, answer).get("forwards").get(0);
      assertThat(f.get("state").asString()).isEqualTo("failed");
      assertThat(f.get("detail").asString()).isNotBlank();
    }
    var bad =
        api.post(
            "/api/v1/connections",
            t.key(),
            "{\"source_id\": \"%s\", \"name\": \"x\", \"destination_url\": \"http://example.com\","
                    .formatted(s.get("id").asString())
                + " \"filter\": \"body.type ==\"}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("filter", "is not a valid CEL expression");
    var metadata =
        api.post(
            "/api/v1/connections",
            t.key(),
            "{\"source_id\": \"%s\", \"name\": \"x\", \"destination_url\": \"http://169.254.169.254/\"}"
                .formatted(s.get("id").asString()));
    assertThat(metadata.status()).isEqualTo(422);
    assertThat(metadata.body()).contains("destination_url");
  }

  @Test
  void a_paused_connection_holds_requests_and_forwards_them_on_resume() {
    var t = fixtures.tenant();
    try (Sink sink = Sink.start()) {
      JsonNode s = source(t);
      JsonNode c = connection(t, s, sink.url("/later"), "");
      String id = c.get("id").asString();
      var paused = api.post("/api/v1/connections/" + id + "/pause", t.key(), "");
      assertThat(paused.json().get("paused").asBoolean()).isTrue();
      var first = receive(s, "{\"n\": 1}");
      receive(s, "{\"n\": 2}");
      assertThat(forwardTo(event(t, first), sink.url("/later")).get("state").asString())
          .isEqualTo("held");
      assertThat(sink.count()).isZero();

      var resumed = api.post("/api/v1/connections/" + id + "/resume", t.key(), "");
      assertThat(resumed.json().get("paused").asBoolean()).isFalse();
      sink.awaitCount(2, WITHIN);
      assertThat(
              sink.received().stream()
                  .map(r -> new String(r.body(), StandardCharsets.UTF_8))
                  .toList())
          .containsExactlyInAnyOrder("{\"n\": 1}", "{\"n\": 2}");
      assertThat(forwardTo(event(t, first), sink.url("/later")).get("state").asString())
          .isEqualTo("queued");
    }
  }

  @Test
  void a_deleted_connection_leaves_its_forwards_and_fails_what_it_held() {
    var t = fixtures.tenant();
    try (Sink sink = Sink.start()) {
      JsonNode s = source(t);
      JsonNode c = connection(t, s, sink.url("/gone"), "");
      String id = c.get("id").asString();
      var delivered = receive(s, "{\"n\": 1}");
      sink.awaitCount(1, WITHIN);
      Sink.await(
          WITHIN,
          "the forward's attempt recorded",
          () -> forwardTo(event(t, delivered), sink.url("/gone")).get("attempts").size() == 1);
      api.post("/api/v1/connections/" + id + "/pause", t.key(), "");
      var held = receive(s, "{\"n\": 2}");

      assertThat(api.delete("/api/v1/connections/" + id, t.key()).status()).isEqualTo(204);

      // The request it delivered still says where it went, and how.
      JsonNode forward = forwardTo(event(t, delivered), sink.url("/gone"));
      assertThat(forward.get("state").asString()).isEqualTo("queued");
      assertThat(forward.get("connection_name").asString())
          .isEqualTo(c.get("name").asString() + " (deleted)");
      assertThat(forward.get("connection_id").isNull()).isTrue();
      assertThat(forward.get("attempts").get(0).get("status").asString()).isEqualTo("success");
      // What it held while paused is never forwarded, and says why.
      JsonNode dropped = forwardTo(event(t, held), sink.url("/gone"));
      assertThat(dropped.get("state").asString()).isEqualTo("failed");
      assertThat(dropped.get("detail").asString()).contains("deleted while it was paused");
      // Gone from the API, and from what comes next.
      assertThat(api.get("/api/v1/connections/" + id, t.key()).status()).isEqualTo(404);
      assertThat(api.post("/api/v1/connections/" + id + "/resume", t.key(), "").status())
          .isEqualTo(404);
      assertThat(api.delete("/api/v1/connections/" + id, t.key()).status()).isEqualTo(404);
      assertThat(
              api.get("/api/v1/connections?source_id=" + s.get("id").asString(), t.key())
                  .json()
                  .get("data"))
          .isEmpty();
      var after = receive(s, "{\"n\": 3}");
      assertThat(event(t, after).get("forwards")).isEmpty();
      assertThat(sink.count()).isEqualTo(1);
    }
  }

  @Test
  void a_request_is_replayed_alone_or_by_filter_after_a_dry_run_spaced_by_the_rate() {
    var t = fixtures.tenant();
    try (Sink sink = Sink.start()) {
      JsonNode s = source(t);
      JsonNode c = connection(t, s, sink.url("/r"), "");
      var one = receive(s, "{\"type\": \"invoice.paid\", \"n\": 1}");
      receive(s, "{\"type\": \"invoice.void\", \"n\": 2}");
      receive(s, "{\"type\": \"invoice.paid\", \"n\": 3}", "X-Tenant", "blue");
      sink.awaitCount(3, WITHIN);

      // Search by a body value and by a header value.
      var paid = api.get("/api/v1/inbound-events?q=invoice.paid", t.key()).json().get("data");
      assertThat(paid).hasSize(2);
      assertThat(api.get("/api/v1/inbound-events?q=blue", t.key()).json().get("data")).hasSize(1);

      var replayed =
          api.post(
              "/api/v1/inbound-events/"
                  + one.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow()
                  + "/replay",
              t.key(),
              "{\"connection_id\": \"" + c.get("id").asString() + "\"}");
      assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
      assertThat(replayed.json().get("forwards")).hasSize(2);
      sink.awaitCount(4, WITHIN);

      String filter =
          "{\"filter\": {\"source_id\": \"%s\", \"q\": \"invoice.paid\"}, \"dry_run\": %s,"
              + " \"rate_per_second\": 5}";
      var dry =
          api.post(
              "/api/v1/inbound-events/replay",
              t.key(),
              filter.formatted(s.get("id").asString(), "true"));
      assertThat(dry.status()).as(dry.body()).isEqualTo(200);
      assertThat(dry.json().get("matched").asLong()).isEqualTo(2);
      assertThat(dry.json().get("replayed").asLong()).isZero();
      assertThat(dry.json().get("dry_run").asBoolean()).isTrue();

      var real =
          api.post(
              "/api/v1/inbound-events/replay",
              t.key(),
              filter.formatted(s.get("id").asString(), "false"));
      assertThat(real.json().get("replayed").asLong()).isEqualTo(2);
      assertThat(real.json().get("forwards").asLong()).isEqualTo(2);
      sink.awaitCount(6, WITHIN);
      var last = sink.received().subList(4, 6);
      assertThat(last)
          .extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
          .allMatch(b -> b.contains("invoice.paid"));
      // 5 per second: the second start is due 200 ms after the first, and none starts early.
      java.time.Instant lastStart =
          java.time.Instant.parse(real.json().get("last_start_at").asString());
      assertThat(
              last.stream()
                  .map(Sink.Received::at)
                  .max(java.util.Comparator.naturalOrder())
                  .orElseThrow())
          .isAfterOrEqualTo(lastStart.minusMillis(20));
      assertThat(sink.count()).isEqualTo(6);
    }
    // A rejected request is never replayed.
    var strict =
        api.post(
            "/api/v1/sources",
            t.key(),
            "{\"name\": \"strict\", \"verification\": {\"type\": \"api_key\", \"secret\": \"k\"}}");
    var refused =
        api.send(
            api.request(strict.json().get("url").asString().replaceFirst("^http://[^/]+", ""))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(refused.status()).isEqualTo(401);
    var again =
        api.post(
            "/api/v1/inbound-events/"
                + refused.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow()
                + "/replay",
            t.key(),
            "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body()).contains("rejected");
  }
}
