package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code triggers}: an event starts one run of each active workflow whose trigger names it and
 * whose match holds, its input templated from the payload, in the transaction that records the
 * event; the same event id twice starts nothing more; an input that fails the schema is reported.
 */
class WorkflowTriggersTest extends WorkflowApiTest {
  private JsonNode send(String body) {
    var r = api.post("/api/v1/events", t.key(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json();
  }

  private static java.util.List<String> values(JsonNode array, String field) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asString()));
    return out;
  }

  private int runsOf(String key) {
    return api.get("/api/v1/workflows/" + key + "/runs", t.key()).json().get("data").size();
  }

  @Test
  void an_event_starts_a_run_of_each_matching_workflow_once_per_event_id() {
    defineWith(
        "welcome",
        """
        "triggers": [{"event": "user.signed_up", "match": "event.plan == 'pro'",
                      "input": {"user": "{{ event.user_id }}", "plan": "{{ event.plan }}"}}]""",
        http("greet", "/welcome/{{ input.user }}", ""));
    defineWith(
        "audit",
        "\"triggers\": [{\"event\": \"user.signed_up\"}]",
        http("log", "/audit/{{ input.user_id }}", ""));
    defineWith(
        "strict",
        """
        "triggers": [{"event": "user.signed_up"}],
        "input_schema": {"type": "object", "required": ["email"]}""",
        http("never", "/never", ""));
    defineWith(
        "archived", "\"triggers\": [{\"event\": \"user.signed_up\"}]", http("no", "/no", ""));
    assertThat(api.delete("/api/v1/workflows/archived", t.key()).status()).isIn(200, 204);
    defineWith(
        "elsewhere", "\"triggers\": [{\"event\": \"user.left\"}]", http("no", "/elsewhere", ""));

    JsonNode first =
        send(
            """
            {"id": "evt-1", "name": "user.signed_up", "payload": {"user_id": 7, "plan": "pro"}}""");
    assertThat(first.get("duplicate").asBoolean()).isFalse();
    assertThat(values(first.get("started"), "workflow")).containsExactly("audit", "welcome");
    assertThat(first.get("not_started")).hasSize(1);
    assertThat(first.get("not_started").get(0).get("workflow").asString()).isEqualTo("strict");
    assertThat(first.get("not_started").get(0).get("reason").asString()).contains("email");

    String welcome = first.get("started").get(1).get("run_id").asString();
    JsonNode run = awaitState(welcome, "succeeded");
    assertThat(run.get("input").get("user").asInt()).isEqualTo(7);
    assertThat(run.get("input").get("plan").asString()).isEqualTo("pro");
    String audit = first.get("started").get(0).get("run_id").asString();
    JsonNode auditInput = awaitState(audit, "succeeded").get("input");
    assertThat(auditInput.get("user_id").asInt()).isEqualTo(7);
    assertThat(auditInput.get("plan").asString()).isEqualTo("pro");
    assertThat(auditInput.size()).isEqualTo(2);
    assertThat(target.received().stream().map(r -> r.path()))
        .containsExactlyInAnyOrder("/welcome/7", "/audit/7");

    // The same event again: answered as the first, nothing more started.
    JsonNode again =
        send(
            """
            {"id": "evt-1", "name": "user.signed_up", "payload": {"user_id": 7, "plan": "pro"}}""");
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(again.get("id").asString()).isEqualTo(first.get("id").asString());
    assertThat(values(again.get("started"), "run_id")).containsExactly(audit, welcome);
    assertThat(runsOf("welcome")).isEqualTo(1);
    assertThat(runsOf("audit")).isEqualTo(1);

    // Another event: the match decides; archived and other names start nothing.
    JsonNode free =
        send("{\"id\": \"evt-2\", \"name\": \"user.signed_up\", \"payload\": {\"user_id\": 8}}");
    assertThat(values(free.get("started"), "workflow")).containsExactly("audit");
    assertThat(runsOf("welcome")).isEqualTo(1);
    assertThat(runsOf("archived")).isZero();
    assertThat(runsOf("elsewhere")).isZero();
  }

  @Test
  void bad_event_fields_are_a_422_and_change_nothing() {
    defineWith("counted", "\"triggers\": [{\"event\": \"tick\"}]", http("one", "/one", ""));
    var r = api.post("/api/v1/events", t.key(), "{\"name\": \"tick\", \"id\": 5}");
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.body()).contains("\"id\"");
    assertThat(runsOf("counted")).isZero();
  }
}
