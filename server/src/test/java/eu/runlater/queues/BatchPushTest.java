package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/messages/batch}: all or nothing, dedup, order, and real deliveries. */
class BatchPushTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private String item(String queue, String path, String extra) {
    return "{"
        + (queue == null ? "" : "\"queue\": \"" + queue + "\", ")
        + "\"url\": \""
        + sink.url(path)
        + "\", \"body\": {\"n\": \""
        + path
        + "\"}"
        + (extra.isEmpty() ? "" : ", " + extra)
        + "}";
  }

  private static String batch(List<String> items) {
    StringJoiner j = new StringJoiner(", ", "{\"messages\": [", "]}");
    items.forEach(j::add);
    return j.toString();
  }

  private long count(String table, Fixtures.Tenant t) {
    return jdbc.sql("SELECT count(*) FROM " + table + " WHERE organization_id = :o")
        .param("o", t.id())
        .query(Long.class)
        .single();
  }

  private String state(Fixtures.Tenant t, String id) {
    return api.get("/api/v1/messages/" + id, t.key()).json().get("state").asString();
  }

  @Test
  void a_batch_answers_in_order_and_every_message_arrives() {
    var t = fixtures.tenant();
    List<String> items = new ArrayList<>();
    List<String> queues = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String queue = i % 3 == 0 ? null : i % 3 == 1 ? "alpha" : "beta";
      items.add(item(queue, "/m" + i, ""));
      queues.add(queue == null ? "default" : queue);
    }
    var r = api.post("/api/v1/messages/batch", t.key(), batch(items));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode answers = r.json().get("messages");
    assertThat(answers).hasSize(60);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      assertThat(answers.get(i).get("queue").asString()).isEqualTo(queues.get(i));
      assertThat(answers.get(i).get("deduplicated").asBoolean()).isFalse();
      ids.add(answers.get(i).get("message_id").asString());
    }
    assertThat(new HashSet<>(ids)).hasSize(60);
    assertThat(ids).as("ids follow the batch's order").isSorted();

    sink.awaitCount(60, WAIT);
    assertThat(sink.received().stream().map(Sink.Received::path).distinct().count()).isEqualTo(60);
    assertThat(api.get("/api/v1/queues", t.key()).json().findValuesAsString("name"))
        .containsExactly("alpha", "beta", "default");
    Sink.await(
        WAIT, "all delivered", () -> ids.stream().allMatch(id -> state(t, id).equals("delivered")));
    assertThat(sink.count()).isEqualTo(60);
  }

  @Test
  void an_ordering_key_in_a_batch_is_delivered_in_batch_order() {
    var t = fixtures.tenant();
    api.put("/api/v1/queues/ordered", t.key(), "{\"parallelism\": 10}");
    List<String> items = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      items.add(item("ordered", "/o" + i, "\"ordering_key\": \"k\""));
      paths.add("/o" + i);
    }
    var r = api.post("/api/v1/messages/batch", t.key(), batch(items));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    sink.awaitCount(30, WAIT);
    assertThat(sink.received().stream().map(Sink.Received::path).toList()).isEqualTo(paths);
  }

  @Test
  void one_bad_item_rejects_the_whole_batch_naming_each_bad_index() {
    var t = fixtures.tenant();
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      items.add(item("q" + i, "/ok" + i, ""));
    }
    items.set(3, "{\"url\": \"not a url\"}");
    items.set(5, item("fine", "/x", "\"retries\": 11, \"delay\": \"2y\""));
    items.set(6, item("bad name!", "/x", ""));
    items.set(7, "null");
    var r = api.post("/api/v1/messages/batch", t.key(), batch(items));
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.contentType()).isEqualTo("application/problem+json");
    assertThat(r.json().get("errors").findValuesAsString("field"))
        .containsExactlyInAnyOrder(
            "messages[3].url",
            "messages[5].retries",
            "messages[5].delay",
            "messages[6].queue",
            "messages[7]");
    assertThat(count("messages", t)).isZero();
    assertThat(count("queues", t)).as("no queue is created either").isZero();
    assertThat(sink.count()).isZero();
  }

  @Test
  void more_than_a_thousand_messages_or_none_is_refused_with_the_limit() {
    var t = fixtures.tenant();
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      items.add("{\"url\": \"" + sink.url("/") + "\"}");
    }
    var tooMany = api.post("/api/v1/messages/batch", t.key(), batch(items));
    assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(422);
    assertThat(tooMany.json().get("detail").asString()).contains("1 to 1000", "1001");
    var none = api.post("/api/v1/messages/batch", t.key(), "{\"messages\": []}");
    assertThat(none.status()).isEqualTo(422);
    assertThat(none.json().get("errors").get(0).get("field").asString()).isEqualTo("messages");

    var full = api.post("/api/v1/messages/batch", t.key(), batch(items.subList(0, 1000)));
    assertThat(full.status()).as(full.body()).isEqualTo(201);
    assertThat(full.json().get("messages")).hasSize(1000);
    assertThat(count("messages", t)).isEqualTo(1000);
  }

  @Test
  void dedup_applies_within_a_batch_and_against_earlier_messages() {
    var t = fixtures.tenant();
    var earlier =
        api.post(
            "/api/v1/queues/dd/messages", t.key(), item(null, "/earlier", "\"dedup_id\": \"one\""));
    assertThat(earlier.status()).as(earlier.body()).isEqualTo(201);
    String earlierId = earlier.json().get("message_id").asString();

    var r =
        api.post(
            "/api/v1/messages/batch",
            t.key(),
            batch(
                List.of(
                    item("dd", "/a", "\"dedup_id\": \"one\""),
                    item("dd", "/b", "\"dedup_id\": \"two\""),
                    item("dd", "/c", "\"dedup_id\": \"two\""),
                    item("other", "/d", "\"dedup_id\": \"two\""),
                    item("dd", "/e", "\"content_based_dedup\": true"),
                    item("dd", "/e", "\"content_based_dedup\": true"))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode m = r.json().get("messages");
    assertThat(m.get(0).get("deduplicated").asBoolean()).isTrue();
    assertThat(m.get(0).get("message_id").asString()).isEqualTo(earlierId);
    assertThat(m.get(1).get("deduplicated").asBoolean()).isFalse();
    assertThat(m.get(2).get("deduplicated").asBoolean()).isTrue();
    assertThat(m.get(2).get("message_id")).isEqualTo(m.get(1).get("message_id"));
    assertThat(m.get(3).get("deduplicated").asBoolean()).as("dedup is per queue").isFalse();
    assertThat(m.get(4).get("deduplicated").asBoolean()).isFalse();
    assertThat(m.get(5).get("message_id")).isEqualTo(m.get(4).get("message_id"));
    assertThat(count("messages", t)).isEqualTo(4);

    var again =
        api.post(
            "/api/v1/messages/batch",
            t.key(),
            batch(
                List.of(
                    item("dd", "/a", "\"dedup_id\": \"one\""),
                    item("dd", "/b", "\"dedup_id\": \"two\""))));
    assertThat(again.status()).as("all deduplicated: " + again.body()).isEqualTo(200);
    assertThat(count("messages", t)).isEqualTo(4);

    sink.awaitCount(4, WAIT);
    assertThat(sink.received().stream().map(Sink.Received::path).toList())
        .containsExactlyInAnyOrder("/earlier", "/b", "/d", "/e");
  }

  @Test
  void an_idempotency_key_replays_the_batch_without_enqueuing_again() {
    var t = fixtures.tenant();
    String body = batch(List.of(item(null, "/i1", ""), item(null, "/i2", "")));
    HttpRequest.Builder request =
        api.request("/api/v1/messages/batch")
            .header("Authorization", "Bearer " + t.key())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "batch-1")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    Api.Response first = api.send(request);
    Api.Response second = api.send(request);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(second.json()).isEqualTo(first.json());
    assertThat(count("messages", t)).isEqualTo(2);
  }
}
