package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The pass-through proxy {@code /q/{destination}} over real HTTP, delivered to a real Sink. */
class ProxyApiTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private HttpRequest.Builder proxy(String destination, Fixtures.Tenant t) {
    HttpRequest.Builder r = api.request("/q/" + destination);
    return t == null ? r : r.header("Authorization", "Bearer " + t.key());
  }

  private JsonNode message(Fixtures.Tenant t, String id) {
    return api.get("/api/v1/messages/" + id, t.key()).json();
  }

  private long messages(Fixtures.Tenant t) {
    return jdbc.sql("SELECT count(*) FROM messages WHERE organization_id = :o")
        .param("o", t.id())
        .query(Long.class)
        .single();
  }

  @Test
  void a_raw_body_arrives_byte_exact_with_its_content_type_and_forwarded_headers() {
    var t = fixtures.tenant();
    byte[] body = new byte[512];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i; // not UTF-8, not JSON
    }
    String destination = sink.url("/hook//deep?x=1&y=a%20b&z=%2F");
    Api.Response r =
        api.send(
            proxy(destination, t)
                .header("Content-Type", "application/vnd.acme+octet; v=2")
                .header("Runlater-Forward-Authorization", "Bearer downstream")
                .header("Runlater-Forward-X-Trace", "t-1")
                .header("X-Not-Forwarded", "no")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().get("message_id").asString();
    assertThat(r.json().get("queue").asString()).isEqualTo("default");
    assertThat(r.json().get("deduplicated").asBoolean()).isFalse();
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/messages/" + id);

    sink.awaitCount(1, WAIT);
    Sink.Received got = sink.received().getFirst();
    assertThat(got.method()).isEqualTo("POST");
    assertThat(got.path()).isEqualTo("/hook//deep");
    assertThat(got.body()).isEqualTo(body);
    assertThat(got.header("Content-Type")).isEqualTo("application/vnd.acme+octet; v=2");
    assertThat(got.header("Authorization")).isEqualTo("Bearer downstream");
    assertThat(got.header("X-Trace")).isEqualTo("t-1");
    assertThat(got.header("X-Not-Forwarded")).isNull();
    assertThat(got.header("Runlater-Message-Id")).isEqualTo(id);
    JsonNode stored = message(t, id);
    assertThat(stored.get("url").asString()).as("query string kept as sent").isEqualTo(destination);
    assertThat(stored.get("headers").get("Authorization").asString())
        .as("credentials are stored sealed")
        .isNotEqualTo("Bearer downstream");
  }

  @Test
  void options_travel_as_headers() {
    var t = fixtures.tenant();
    Instant sent = Instant.now();
    HttpRequest.Builder request =
        proxy(sink.url("/later"), t)
            .header("Content-Type", "text/xml")
            .header("Runlater-Queue", "proxied")
            .header("Runlater-Delay", "2s")
            .header("Runlater-Retries", "0")
            .header("Runlater-Timeout", "5s")
            .header("Runlater-Method", "PUT")
            .header("Runlater-Dedup-Id", "order-7")
            .header("Runlater-Ordering-Key", "customer-1")
            .POST(HttpRequest.BodyPublishers.ofString("<a>1</a>"));
    Api.Response r = api.send(request);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().get("message_id").asString();
    assertThat(r.json().get("queue").asString()).isEqualTo("proxied");
    JsonNode m = message(t, id);
    assertThat(m.get("state").asString()).isEqualTo("waiting");
    assertThat(m.get("method").asString()).isEqualTo("PUT");
    assertThat(m.get("retries").asInt()).isZero();
    assertThat(m.get("timeout_ms").asInt()).isEqualTo(5000);
    assertThat(m.get("ordering_key").asString()).isEqualTo("customer-1");
    assertThat(Instant.parse(m.get("not_before").asString()))
        .isAfterOrEqualTo(sent.plusSeconds(2).minusMillis(5));

    Api.Response again = api.send(request);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().get("deduplicated").asBoolean()).isTrue();
    assertThat(again.json().get("message_id").asString()).isEqualTo(id);

    sink.awaitCount(1, WAIT);
    Sink.Received got = sink.received().getFirst();
    assertThat(got.method()).isEqualTo("PUT");
    assertThat(got.header("Content-Type")).isEqualTo("text/xml");
    assertThat(new String(got.body())).isEqualTo("<a>1</a>");
    assertThat(got.at()).isAfterOrEqualTo(sent.plusSeconds(2));
    Sink.await(WAIT, "delivered", () -> message(t, id).get("state").asString().equals("delivered"));
    assertThat(sink.count()).isEqualTo(1);
    assertThat(messages(t)).isEqualTo(1);
  }

  @Test
  void bad_input_is_a_problem_naming_the_header_and_enqueues_nothing() {
    var t = fixtures.tenant();
    record Case(String destination, String header, String value, String field) {}
    String ok = sink.url("/x");
    List<Case> cases =
        List.of(
            new Case(ok, "Runlater-Dealy", "5s", "Runlater-Dealy"),
            new Case(ok, "Runlater-Delay", "400d", "Runlater-Delay"),
            new Case(ok, "Runlater-Delay", "soon", "Runlater-Delay"),
            new Case(ok, "Runlater-Retries", "many", "Runlater-Retries"),
            new Case(ok, "Runlater-Retries", "11", "Runlater-Retries"),
            new Case(ok, "Runlater-Timeout", "10m", "Runlater-Timeout"),
            new Case(ok, "Runlater-Method", "BREW", "Runlater-Method"),
            new Case(ok, "Runlater-Queue", "no good", "Runlater-Queue"),
            new Case(ok, "Runlater-Content-Based-Dedup", "yes", "Runlater-Content-Based-Dedup"),
            new Case(ok, "Runlater-Callback", "http://10.0.0.1/", "Runlater-Callback"),
            new Case(ok, "Runlater-Forward-", "x", "Runlater-Forward-"),
            new Case(
                ok,
                "Runlater-Forward-Transfer-Encoding",
                "chunked",
                "Runlater-Forward-Transfer-Encoding"),
            new Case(
                ok,
                "Runlater-Forward-Webhook-Signature",
                "v1,x",
                "Runlater-Forward-Webhook-Signature"),
            new Case("not-a-url", "X-Any", "1", "destination"),
            new Case("ftp://127.0.0.1/file", "X-Any", "1", "destination"),
            new Case("http://169.254.169.254/latest/meta-data", "X-Any", "1", "destination"));
    for (Case c : cases) {
      Api.Response r =
          api.send(
              proxy(c.destination(), t)
                  .header(c.header(), c.value())
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("hi")));
      assertThat(r.status()).as(c + " → " + r.body()).isEqualTo(422);
      assertThat(r.contentType()).isEqualTo("application/problem+json");
      assertThat(r.json().get("errors").findValuesAsString("field"))
          .as(c + " → " + r.body())
          .contains(c.field());
    }
    Api.Response tooBig =
        api.send(
            proxy(ok, t)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[300 * 1024])));
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.contentType()).isEqualTo("application/problem+json");
    Api.Response get = api.send(proxy(ok, t).GET());
    assertThat(get.status()).as("a GET creates nothing").isEqualTo(405);

    assertThat(messages(t)).isZero();
    assertThat(sink.count()).isZero();
  }

  @Test
  void the_api_key_is_required() {
    var t = fixtures.tenant();
    Api.Response none =
        api.send(proxy(sink.url("/x"), null).POST(HttpRequest.BodyPublishers.ofString("hi")));
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.contentType()).isEqualTo("application/problem+json");
    Api.Response wrong =
        api.send(
            proxy(sink.url("/x"), null)
                .header("Authorization", "Bearer pk_live_nope.sk_live_nope")
                .POST(HttpRequest.BodyPublishers.ofString("hi")));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(messages(t)).isZero();
  }

  @Test
  void an_idempotency_key_replays_only_the_same_request() {
    var t = fixtures.tenant();
    HttpRequest.Builder first =
        proxy(sink.url("/idem"), t)
            .header("Idempotency-Key", "p-1")
            .POST(HttpRequest.BodyPublishers.ofString("same"));
    Api.Response a = api.send(first);
    Api.Response b = api.send(first);
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    assertThat(b.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(b.json()).isEqualTo(a.json());
    Api.Response otherOptions =
        api.send(
            proxy(sink.url("/idem"), t)
                .header("Idempotency-Key", "p-1")
                .header("Runlater-Delay", "1h")
                .POST(HttpRequest.BodyPublishers.ofString("same")));
    assertThat(otherOptions.status()).as(otherOptions.body()).isEqualTo(422);
    assertThat(messages(t)).isEqualTo(1);
  }
}
