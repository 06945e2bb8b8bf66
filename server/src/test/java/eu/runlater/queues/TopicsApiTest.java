package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Topics: fan-out to several real endpoints, each message retried on its own. */
class TopicsApiTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private String endpoints(String... paths) {
    StringJoiner j = new StringJoiner(", ", "{\"endpoints\": [", "]}");
    for (String p : paths) {
      j.add(
          "{\"url\": \"%s\", \"headers\": {\"X-Endpoint\": \"%s\"}}"
              .formatted(sink.url(p), p.substring(1)));
    }
    return j.toString();
  }

  private long messages(Fixtures.Tenant t) {
    return jdbc.sql("SELECT count(*) FROM messages WHERE organization_id = :o")
        .param("o", t.id())
        .query(Long.class)
        .single();
  }

  private String state(Fixtures.Tenant t, String id) {
    return api.get("/api/v1/messages/" + id, t.key()).json().get("state").asString();
  }

  private List<Sink.Received> at(String path) {
    return sink.received().stream().filter(r -> r.path().equals(path)).toList();
  }

  @Test
  void a_publish_fans_out_and_a_failing_endpoint_retries_on_its_own() {
    var t = fixtures.tenant();
    AtomicInteger failures = new AtomicInteger();
    sink.respond(
        r ->
            r.path().equals("/b") && failures.incrementAndGet() <= 2
                ? Reply.status(503)
                : Reply.status(200));
    var put = api.put("/api/v1/topics/orders", t.key(), endpoints("/a", "/b", "/c"));
    assertThat(put.status()).as(put.body()).isEqualTo(201);

    String publish =
        """
        {"body": {"order": 42}, "headers": {"X-Endpoint": "overridden", "X-Order": "42"},
         "retries": 3, "dedup_id": "order-42", "queue": "fanout"}
        """;
    var r = api.post("/api/v1/topics/orders/messages", t.key(), publish);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode published = r.json().get("messages");
    assertThat(published).hasSize(3);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonNode m = published.get(i);
      assertThat(m.get("endpoint").asString()).isEqualTo(sink.url("/" + "abc".charAt(i)));
      assertThat(m.get("queue").asString()).isEqualTo("fanout");
      assertThat(m.get("deduplicated").asBoolean()).isFalse();
      ids.add(m.get("message_id").asString());
    }
    assertThat(ids).doesNotHaveDuplicates();

    Sink.await(
        WAIT,
        "all three delivered",
        () -> ids.stream().allMatch(id -> state(t, id).equals("delivered")));
    assertThat(at("/a")).hasSize(1);
    assertThat(at("/c")).hasSize(1);
    assertThat(at("/b")).as("two 503s, then success").hasSize(3);
    for (String p : List.of("/a", "/b", "/c")) {
      Sink.Received got = at(p).getFirst();
      assertThat(got.header("X-Endpoint"))
          .as("the endpoint's header wins")
          .isEqualTo(p.substring(1));
      assertThat(got.header("X-Order")).isEqualTo("42");
      assertThat(new String(got.body())).isEqualTo("{\"order\":42}");
    }
    assertThat(api.get("/api/v1/messages/" + ids.get(1), t.key()).json().get("attempts").asInt())
        .isEqualTo(3);
    assertThat(api.get("/api/v1/messages/" + ids.get(0), t.key()).json().get("attempts").asInt())
        .isEqualTo(1);

    var again = api.post("/api/v1/topics/orders/messages", t.key(), publish);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(again.json().get("messages").get(i).get("deduplicated").asBoolean()).isTrue();
      assertThat(again.json().get("messages").get(i).get("message_id").asString())
          .isEqualTo(ids.get(i));
    }
    assertThat(messages(t)).isEqualTo(3);
  }

  @Test
  void topics_are_created_read_listed_replaced_and_deleted() {
    var t = fixtures.tenant();
    String withSecret =
        """
        {"endpoints": [{"url": "%s", "headers": {"Authorization": "Bearer s3cret"}}]}
        """
            .formatted(sink.url("/one"));
    var created = api.put("/api/v1/topics/events", t.key(), withSecret);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/topics/events");
    JsonNode endpoint = created.json().get("endpoints").get(0);
    assertThat(endpoint.get("url").asString()).isEqualTo(sink.url("/one"));
    assertThat(endpoint.get("headers").get("Authorization").asString())
        .isNotEqualTo("Bearer s3cret");
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM topic_endpoints WHERE organization_id = :o"
                        + " AND headers::text LIKE '%s3cret%'")
                .param("o", t.id())
                .query(Long.class)
                .single())
        .as("credentials are stored sealed")
        .isZero();

    var replaced = api.put("/api/v1/topics/events", t.key(), endpoints("/x", "/y"));
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    api.put("/api/v1/topics/alerts", t.key(), endpoints("/z"));
    JsonNode got = api.get("/api/v1/topics/events", t.key()).json();
    assertThat(got.get("endpoints").findValuesAsString("url"))
        .containsExactly(sink.url("/x"), sink.url("/y"));
    assertThat(api.get("/api/v1/topics", t.key()).json().findValuesAsString("name"))
        .containsExactly("alerts", "events");

    // Publishing with the secret header: it reaches the endpoint.
    api.put("/api/v1/topics/secret", t.key(), withSecret);
    var pub = api.post("/api/v1/topics/secret/messages", t.key(), "{\"body\": \"hi\"}");
    assertThat(pub.status()).as(pub.body()).isEqualTo(201);
    sink.awaitCount(1, WAIT);
    assertThat(sink.received().getFirst().header("Authorization")).isEqualTo("Bearer s3cret");

    assertThat(api.delete("/api/v1/topics/events", t.key()).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/topics/events", t.key()).status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/topics/events", t.key()).status()).isEqualTo(404);
  }

  @Test
  void invalid_topics_and_publishes_are_refused_and_change_nothing() {
    var t = fixtures.tenant();
    record Case(String body, String field) {}
    StringJoiner many = new StringJoiner(", ", "{\"endpoints\": [", "]}");
    for (int i = 0; i < 101; i++) {
      many.add("{\"url\": \"" + sink.url("/" + i) + "\"}");
    }
    List<Case> cases =
        List.of(
            new Case("{\"endpoints\": []}", "endpoints"),
            new Case("{}", "endpoints"),
            new Case(many.toString(), "endpoints"),
            new Case(
                "{\"endpoints\": [{\"url\": \"%s\"}, {\"url\": \"nope\"}]}"
                    .formatted(sink.url("/")),
                "endpoints[1].url"),
            new Case(
                "{\"endpoints\": [{\"url\": \"http://169.254.169.254/\"}]}", "endpoints[0].url"),
            new Case(
                "{\"endpoints\": [{\"url\": \"%s\"}, {\"url\": \"%s\"}]}"
                    .formatted(sink.url("/same"), sink.url("/same")),
                "endpoints[1].url"),
            new Case(
                "{\"endpoints\": [{\"url\": \"%s\", \"headers\": {\"Host\": \"x\"}}]}"
                    .formatted(sink.url("/")),
                "endpoints[0].headers.Host"));
    for (Case c : cases) {
      var r = api.put("/api/v1/topics/bad", t.key(), c.body());
      assertThat(r.status()).as(c.body() + " → " + r.body()).isEqualTo(422);
      assertThat(r.json().get("errors").findValuesAsString("field")).contains(c.field());
    }
    assertThat(api.put("/api/v1/topics/bad%20name", t.key(), endpoints("/a")).status())
        .isEqualTo(422);
    assertThat(api.get("/api/v1/topics", t.key()).json()).isEmpty();

    api.put("/api/v1/topics/good", t.key(), endpoints("/a", "/b"));
    var withUrl =
        api.post(
            "/api/v1/topics/good/messages",
            t.key(),
            "{\"url\": \"%s\", \"body\": \"x\"}".formatted(sink.url("/")));
    assertThat(withUrl.status()).isEqualTo(422);
    assertThat(withUrl.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
    var badRetries =
        api.post("/api/v1/topics/good/messages", t.key(), "{\"body\": \"x\", \"retries\": 11}");
    assertThat(badRetries.status()).isEqualTo(422);
    assertThat(badRetries.json().get("errors").findValuesAsString("field"))
        .as("reported once, not once per endpoint")
        .containsExactly("retries");
    assertThat(api.post("/api/v1/topics/missing/messages", t.key(), "{}").status()).isEqualTo(404);
    assertThat(messages(t)).isZero();
  }

  @Test
  void another_organizations_topic_is_not_found() {
    var owner = fixtures.tenant();
    var other = fixtures.tenant();
    api.put("/api/v1/topics/mine", owner.key(), endpoints("/a"));
    assertThat(api.get("/api/v1/topics/mine", other.key()).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/topics/mine/messages", other.key(), "{}").status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/topics/mine", other.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/topics", other.key()).json()).isEmpty();
    var put = api.put("/api/v1/topics/mine", other.key(), endpoints("/b"));
    assertThat(put.status()).as("the same name is another topic there").isEqualTo(201);
    assertThat(
            api.get("/api/v1/topics/mine", owner.key())
                .json()
                .get("endpoints")
                .get(0)
                .get("url")
                .asString())
        .isEqualTo(sink.url("/a"));
  }
}
