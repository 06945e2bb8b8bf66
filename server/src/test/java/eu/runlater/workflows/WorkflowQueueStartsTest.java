package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Queue messages whose target is a workflow: each delivered message starts one run with its body as
 * the input, one at a time on a queue of parallelism 1; a push is checked (workflow and body named
 * as fields); a start refused at delivery (the workflow archived meanwhile) dead-letters the
 * message after one attempt.
 */
class WorkflowQueueStartsTest extends WorkflowApiTest {
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String SCHEMA =
      "\"input_schema\": {\"type\": \"object\", \"required\": [\"customer\"], \"properties\":"
          + " {\"customer\": {\"type\": \"string\"}}}";

  private List<JsonNode> runs(String key) {
    List<JsonNode> list = new ArrayList<>();
    api.get("/api/v1/workflows/" + key + "/runs?limit=100", t.key())
        .json()
        .get("data")
        .forEach(list::add);
    return list;
  }

  private JsonNode message(String id) {
    return api.get("/api/v1/messages/" + id, t.key()).json();
  }

  /** An attempt in full (a message lists its attempts without their responses). */
  private JsonNode attempt(JsonNode summary) {
    return api.get("/api/v1/executions/" + summary.get("id").asString(), t.key()).json();
  }

  @Test
  void each_message_starts_one_run_with_its_body_as_input() {
    defineWith(
        "order",
        SCHEMA,
        http(
            "ship", "/ship", "\"method\": \"POST\", \"body\": {\"to\": \"{{ input.customer }}\"}"));
    assertThat(api.put("/api/v1/queues/orders", t.key(), "{\"parallelism\": 1}").status())
        .isIn(200, 201);
    List<String> ids = new ArrayList<>();
    for (String customer : List.of("a", "b", "c")) {
      var pushed =
          api.post(
              "/api/v1/queues/orders/messages",
              t.key(),
              "{\"workflow\": \"order\", \"body\": {\"customer\": \"%s\"}}".formatted(customer));
      assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
      ids.add(pushed.json().get("message_id").asString());
    }
    Sink.await(
        WITHIN,
        "three delivered messages",
        () -> ids.stream().allMatch(id -> message(id).get("state").asString().equals("delivered")));
    Sink.await(
        WITHIN,
        "three succeeded runs",
        () ->
            runs("order").stream()
                    .filter(r -> r.get("state").asString().equals("succeeded"))
                    .count()
                == 3);
    Set<String> bodies = new HashSet<>();
    target.received().forEach(r -> bodies.add(new String(r.body(), StandardCharsets.UTF_8)));
    assertThat(bodies)
        .containsExactlyInAnyOrder("{\"to\":\"a\"}", "{\"to\":\"b\"}", "{\"to\":\"c\"}");

    Set<String> named = new HashSet<>();
    for (String id : ids) {
      JsonNode m = message(id);
      assertThat(m.get("workflow").asString()).isEqualTo("order");
      assertThat(m.get("url").isNull()).isTrue();
      assertThat(m.get("attempts").asInt()).isEqualTo(1);
      JsonNode attempt = attempt(m.get("executions").get(0));
      assertThat(attempt.get("status_code").asInt()).isEqualTo(201);
      String runId =
          JSON.readTree(attempt.get("response").get("body").asString()).get("run_id").asString();
      named.add(runId);
      // The run names the message, its queue and the delivery that started it.
      JsonNode by = run(runId).get("started_by");
      assertThat(by.get("kind").asString()).isEqualTo("message");
      assertThat(by.get("id").asString()).isEqualTo(id);
      assertThat(by.get("name").asString()).isEqualTo("orders");
      assertThat(by.get("execution_id").asString()).isEqualTo(attempt.get("id").asString());
      assertThat(by.get("link").asString()).isEqualTo("/messages/" + id);
    }
    Set<String> started = new HashSet<>();
    runs("order").forEach(r -> started.add(r.get("id").asString()));
    assertThat(named).isEqualTo(started);

    var browser =
        signIn(fixtures.user(t.organization().id(), eu.runlater.organizations.Role.MEMBER));
    var page = browser.get("/messages/" + ids.getFirst());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("href=\"/workflows/order\"").contains("run_id");
    assertThat(browser.get("/queues/orders").body()).contains("workflow order");
  }

  @Test
  void a_push_to_a_workflow_is_checked_and_names_the_field() {
    defineWith("checked", SCHEMA, http("a", "/a", ""));
    var unknown =
        api.post("/api/v1/queues/q/messages", t.key(), "{\"workflow\": \"nope\", \"body\": {}}");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).contains("\"workflow\"").contains("names no workflow");

    var badInput =
        api.post(
            "/api/v1/queues/q/messages",
            t.key(),
            "{\"workflow\": \"checked\", \"body\": {\"customer\": 1}}");
    assertThat(badInput.status()).isEqualTo(422);
    assertThat(badInput.body()).contains("body/customer");

    var notObject =
        api.post(
            "/api/v1/queues/q/messages", t.key(), "{\"workflow\": \"checked\", \"body\": \"x\"}");
    assertThat(notObject.status()).isEqualTo(422);
    assertThat(notObject.body()).contains("must be a JSON object");

    var batch =
        api.post(
            "/api/v1/messages/batch",
            t.key(),
            """
            {"messages": [{"queue": "q", "workflow": "checked", "body": {"customer": "ok"}},
                          {"queue": "q", "url": "https://example.com/", "workflow": "checked"}]}""");
    assertThat(batch.status()).isEqualTo(422);
    assertThat(batch.body()).contains("messages[1].url");
    assertThat(api.get("/api/v1/messages", t.key()).json().get("data").size()).isZero();
  }

  @Test
  void a_start_refused_at_delivery_dead_letters_the_message_after_one_attempt() {
    defineWith("gone", "", http("a", "/a", ""));
    var pushed =
        api.post(
            "/api/v1/queues/q/messages",
            t.key(),
            "{\"workflow\": \"gone\", \"body\": {}, \"delay\": \"2s\", \"retries\": 3}");
    assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
    String id = pushed.json().get("message_id").asString();
    assertThat(api.delete("/api/v1/workflows/gone", t.key()).status()).isEqualTo(204);

    Sink.await(
        WITHIN,
        "the message dead-lettered",
        () -> message(id).get("state").asString().equals("failed"));
    JsonNode m = message(id);
    assertThat(m.get("attempts").asInt()).isEqualTo(1);
    assertThat(m.get("last_status_code").asInt()).isEqualTo(409);
    assertThat(attempt(m.get("executions").get(0)).get("response").get("body").asString())
        .contains("archived");
    assertThat(api.get("/api/v1/dlq", t.key()).json().get("data").size()).isEqualTo(1);
    assertThat(runs("gone")).isEmpty();
  }
}
