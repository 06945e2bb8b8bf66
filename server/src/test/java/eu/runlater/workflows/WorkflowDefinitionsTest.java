package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Definitions through the API: create, read, versions, archive; and the validation table — each bad
 * definition answers 422 naming the step and field, and creates nothing.
 */
class WorkflowDefinitionsTest extends ServerTest {
  static final String OK = "http://127.0.0.1:9/ok";

  static String http(String name, String extra) {
    return """
        {"name": "%s", "kind": "http", "url": "%s"%s}"""
        .formatted(name, OK, extra.isEmpty() ? "" : ", " + extra);
  }

  static String doc(String key, String... steps) {
    return """
        {"key": "%s", "steps": [%s]}"""
        .formatted(key, String.join(", ", steps));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("no steps", "{\"key\": \"w\", \"steps\": []}", "steps", "non-empty array"),
        Arguments.of(
            "a concurrency limit of 0",
            "{\"key\": \"w\", \"concurrency\": {\"limit\": 0}, \"steps\": [" + http("a", "") + "]}",
            "concurrency.limit",
            "1 to 1000"),
        Arguments.of(
            "a concurrency limit over 1000",
            "{\"key\": \"w\", \"concurrency\": {\"limit\": 1001}, \"steps\": ["
                + http("a", "")
                + "]}",
            "concurrency.limit",
            "1 to 1000"),
        Arguments.of(
            "a concurrency key reading a step",
            "{\"key\": \"w\", \"concurrency\": {\"key\": \"{{ steps.a.output.body.id }}\","
                + " \"limit\": 1}, \"steps\": ["
                + http("a", "")
                + "]}",
            "concurrency.key",
            "reads the input only"),
        Arguments.of(
            "an on_cancel that is neither finish nor abandon",
            "{\"key\": \"w\", \"on_cancel\": \"stop\", \"steps\": [" + http("a", "") + "]}",
            "on_cancel",
            "finish (the default"),
        Arguments.of(
            "a trigger match that is not CEL over the event",
            "{\"key\": \"w\", \"triggers\": [{\"event\": \"paid\", \"match\": \"input.x =="
                + " 1\"}], \"steps\": ["
                + http("a", "")
                + "]}",
            "triggers[0].match",
            "not a valid CEL condition"),
        Arguments.of(
            "an unknown trigger field",
            "{\"key\": \"w\", \"triggers\": [{\"event\": \"paid\", \"when\": \"x\"}],"
                + " \"steps\": ["
                + http("a", "")
                + "]}",
            "triggers[0].when",
            "not a field"),
        Arguments.of(
            "a trigger input reading a step",
            "{\"key\": \"w\", \"triggers\": [{\"event\": \"paid\", \"input\": {\"a\":"
                + " \"{{ steps.a.output.body }}\"}}], \"steps\": ["
                + http("a", "")
                + "]}",
            "triggers[0].input",
            "reads the event's payload"),
        Arguments.of(
            "a trigger without an event",
            "{\"key\": \"w\", \"triggers\": [{\"match\": \"true\"}], \"steps\": ["
                + http("a", "")
                + "]}",
            "triggers[0].event",
            "is required"),
        Arguments.of(
            "an unknown concurrency field",
            "{\"key\": \"w\", \"concurrency\": {\"limit\": 1, \"per\": \"x\"}, \"steps\": ["
                + http("a", "")
                + "]}",
            "concurrency.per",
            "not a field"),
        Arguments.of("bad key", "{\"key\": \"No Spaces\", \"steps\": []}", "key", "lower-case"),
        Arguments.of(
            "unknown top-level field",
            "{\"key\": \"w\", \"stepz\": [], \"steps\": [" + http("a", "") + "]}",
            "stepz",
            "not a field"),
        Arguments.of(
            "step without a name",
            doc("w", "{\"kind\": \"http\", \"url\": \"" + OK + "\"}"),
            "steps[0].name",
            "is required"),
        Arguments.of(
            "two steps of one name",
            doc("w", http("a", ""), http("a", "")),
            "steps.a.name",
            "used"),
        Arguments.of(
            "unknown kind",
            doc("w", "{\"name\": \"a\", \"kind\": \"email\"}"),
            "steps.a.kind",
            "http, condition, sleep, wait_for_event, approval or workflow"),
        Arguments.of(
            "a wait without an event name",
            doc("w", "{\"name\": \"w\", \"kind\": \"wait_for_event\", \"timeout\": \"1h\"}"),
            "steps.w.event",
            "is required"),
        Arguments.of(
            "a match that is not a bool",
            doc(
                "w",
                "{\"name\": \"w\", \"kind\": \"wait_for_event\", \"event\": \"paid\","
                    + " \"match\": \"'paid'\"}"),
            "steps.w.match",
            "not a valid CEL condition"),
        Arguments.of(
            "a match reading a step that has not run",
            doc(
                "w",
                http("a", ""),
                "{\"name\": \"w\", \"kind\": \"wait_for_event\", \"event\": \"paid\","
                    + " \"match\": \"event.id == steps.a.output.body.id\"}"),
            "steps.w.match",
            "reads step 'a'"),
        Arguments.of(
            "bad on_timeout",
            doc(
                "w",
                "{\"name\": \"w\", \"kind\": \"wait_for_event\", \"event\": \"paid\","
                    + " \"on_timeout\": \"skip\"}"),
            "steps.w.on_timeout",
            "fail (the default) or continue"),
        Arguments.of(
            "a compensation that is not a step",
            doc("w", http("a", "\"on_failure\": {\"compensate\": \"undo\"}")),
            "steps.a.on_failure.compensate",
            "must name another step"),
        Arguments.of(
            "a compensation step with dependencies",
            doc(
                "w",
                http("a", "\"on_failure\": {\"compensate\": \"undo\"}"),
                http("undo", "\"depends_on\": [\"a\"]")),
            "steps.undo.depends_on",
            "must be empty: 'undo' compensates 'a'"),
        Arguments.of(
            "a sub-workflow without its workflow",
            doc("w", "{\"name\": \"a\", \"kind\": \"workflow\"}"),
            "steps.a.workflow",
            "is required"),
        Arguments.of(
            "a sub-workflow that does not exist",
            doc("w", "{\"name\": \"a\", \"kind\": \"workflow\", \"workflow\": \"nope\"}"),
            "steps.a.workflow",
            "'nope', which does not exist"),
        Arguments.of(
            "a workflow that runs itself",
            doc("w", "{\"name\": \"a\", \"kind\": \"workflow\", \"workflow\": \"w\"}"),
            "steps.a.workflow",
            "forms a cycle of workflows: w -> w"),
        Arguments.of(
            "a sub-workflow input reading a later step",
            doc(
                "w",
                http("b", ""),
                "{\"name\": \"a\", \"kind\": \"workflow\", \"workflow\": \"w\","
                    + " \"input\": {\"x\": \"{{ steps.b.output.status }}\"}}"),
            "steps.a.input",
            "reads step 'b'"),
        Arguments.of(
            "an approval without assignees",
            doc("w", "{\"name\": \"a\", \"kind\": \"approval\"}"),
            "steps.a.assignees",
            "is required"),
        Arguments.of(
            "an approval assigned to no one",
            doc("w", "{\"name\": \"a\", \"kind\": \"approval\", \"assignees\": {\"users\": []}}"),
            "steps.a.assignees",
            "names nobody"),
        Arguments.of(
            "an approval assignee that is not an email",
            doc(
                "w",
                "{\"name\": \"a\", \"kind\": \"approval\", \"assignees\": {\"users\":"
                    + " [\"alice\"]}}"),
            "steps.a.assignees.users",
            "'alice' is not an email address"),
        Arguments.of(
            "an approval role that does not exist",
            doc(
                "w",
                "{\"name\": \"a\", \"kind\": \"approval\", \"assignees\": {\"roles\":"
                    + " [\"boss\"]}}"),
            "steps.a.assignees.roles",
            "'boss' is not a role"),
        Arguments.of(
            "an approval with a bad on_timeout",
            doc(
                "w",
                "{\"name\": \"a\", \"kind\": \"approval\", \"assignees\": {\"roles\":"
                    + " [\"owner\"]}, \"on_timeout\": \"continue\"}"),
            "steps.a.on_timeout",
            "fail (the default), approve or reject"),
        Arguments.of(
            "an escalation after the timeout",
            doc(
                "w",
                "{\"name\": \"a\", \"kind\": \"approval\", \"assignees\": {\"roles\":"
                    + " [\"member\"]}, \"timeout\": \"1h\", \"escalate\": {\"after\":"
                    + " \"2h\", \"to\": {\"roles\": [\"owner\"]}}}"),
            "steps.a.escalate.after",
            "shorter than the timeout"),
        Arguments.of(
            "an escalation to no one",
            doc(
                "w",
                "{\"name\": \"a\", \"kind\": \"approval\", \"assignees\": {\"roles\":"
                    + " [\"member\"]}, \"escalate\": {\"after\": \"2h\"}}"),
            "steps.a.escalate.to",
            "is required"),
        Arguments.of(
            "unknown dependency",
            doc("w", http("a", "\"depends_on\": [\"nope\"]")),
            "steps.a.depends_on",
            "'nope', which is not a step"),
        Arguments.of(
            "depends on itself",
            doc("w", http("a", "\"depends_on\": [\"a\"]")),
            "steps.a.depends_on",
            "cycle"),
        Arguments.of(
            "a cycle of three",
            doc(
                "w",
                http("a", "\"depends_on\": [\"c\"]"),
                http("b", "\"depends_on\": [\"a\"]"),
                http("c", "\"depends_on\": [\"b\"]")),
            "depends_on",
            "forms a cycle"),
        Arguments.of(
            "a field of another kind",
            doc("w", http("a", "\"expression\": \"true\"")),
            "steps.a.expression",
            "not a field"),
        Arguments.of(
            "an http step without url",
            doc("w", "{\"name\": \"a\", \"kind\": \"http\"}"),
            "steps.a.url",
            "is required"),
        Arguments.of(
            "a URL the target policy refuses",
            doc("w", "{\"name\": \"a\", \"kind\": \"http\", \"url\": \"http://169.254.169.254/\"}"),
            "steps.a.url",
            ""),
        Arguments.of(
            "a reserved header",
            doc("w", http("a", "\"headers\": {\"Runlater-Run-Id\": \"x\"}")),
            "steps.a.headers.Runlater-Run-Id",
            "set by Runlater"),
        Arguments.of(
            "too many retries", doc("w", http("a", "\"retries\": 11")), "steps.a.retries", "0 to"),
        Arguments.of(
            "a timeout over five minutes",
            doc("w", http("a", "\"timeout\": \"10m\"")),
            "steps.a.timeout",
            "1s to 5m"),
        Arguments.of(
            "bad on_failure",
            doc("w", http("a", "\"on_failure\": \"ignore\"")),
            "steps.a.on_failure",
            "fail (the default), continue, or {\"compensate\""),
        Arguments.of(
            "a join larger than the dependencies",
            doc(
                "w",
                http("a", ""),
                http("b", ""),
                http("c", "\"depends_on\": [\"a\", \"b\"], \"join\": 3")),
            "steps.c.join",
            "1 to 2"),
        Arguments.of(
            "CEL that does not parse",
            doc("w", "{\"name\": \"c\", \"kind\": \"condition\", \"expression\": \"input.a >\"}"),
            "steps.c.expression",
            "not a valid CEL condition"),
        Arguments.of(
            "CEL that is not a bool",
            doc("w", "{\"name\": \"c\", \"kind\": \"condition\", \"expression\": \"1 + 2\"}"),
            "steps.c.expression",
            "not a valid CEL condition"),
        Arguments.of(
            "CEL with a type error",
            doc(
                "w",
                "{\"name\": \"c\", \"kind\": \"condition\", \"expression\": \"'a' + 1 == 2\"}"),
            "steps.c.expression",
            "not a valid CEL condition"),
        Arguments.of(
            "CEL reading a step that has not run",
            doc(
                "w",
                http("a", ""),
                "{\"name\": \"c\", \"kind\": \"condition\","
                    + " \"expression\": \"steps.a.output.status == 200\"}"),
            "steps.c.expression",
            "reads step 'a'"),
        Arguments.of(
            "a branch naming a step that does not depend on the condition",
            doc(
                "w",
                "{\"name\": \"c\", \"kind\": \"condition\", \"expression\": \"true\","
                    + " \"then\": [\"a\"]}",
                http("a", "")),
            "steps.c.then",
            "does not depend on 'c'"),
        Arguments.of(
            "an unreachable step: on neither branch of its condition",
            doc(
                "w",
                "{\"name\": \"c\", \"kind\": \"condition\", \"expression\": \"true\","
                    + " \"then\": [\"a\"]}",
                http("a", "\"depends_on\": [\"c\"]"),
                http("b", "\"depends_on\": [\"c\"]")),
            "steps.b.depends_on",
            "never runs"),
        Arguments.of(
            "a template reading a step that cannot have run",
            doc(
                "w",
                http("a", ""),
                "{\"name\": \"b\", \"kind\": \"http\","
                    + " \"url\": \"http://127.0.0.1:9/{{ steps.a.output.body.id }}\"}"),
            "steps.b.url",
            "reads step 'a'"),
        Arguments.of(
            "a template in a body reading a later step",
            doc(
                "w",
                http("a", "\"body\": {\"x\": \"{{ steps.b.output.status }}\"}"),
                http("b", "\"depends_on\": [\"a\"]")),
            "steps.a.body",
            "reads step 'b'"),
        Arguments.of(
            "a malformed template",
            doc("w", http("a", "\"headers\": {\"X-Id\": \"{{ input.id \"}")),
            "steps.a.headers.X-Id",
            "malformed template"),
        Arguments.of(
            "a template of an unknown root",
            doc("w", http("a", "\"body\": \"{{ secrets.token }}\"")),
            "steps.a.body",
            "templates read input"),
        Arguments.of(
            "a sleep with neither duration nor until",
            doc("w", "{\"name\": \"s\", \"kind\": \"sleep\"}"),
            "steps.s.duration",
            "either duration or until"),
        Arguments.of(
            "a sleep over a year",
            doc("w", "{\"name\": \"s\", \"kind\": \"sleep\", \"duration\": \"400d\"}"),
            "steps.s.duration",
            "at most a year"),
        Arguments.of(
            "an input schema that is not one",
            "{\"key\": \"w\", \"input_schema\": {\"type\": 12}, \"steps\": ["
                + http("a", "")
                + "]}",
            "input_schema/type",
            "not valid JSON Schema"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void a_bad_definition_is_a_422_naming_step_and_field_and_creates_nothing(
      String what, String body, String field, String message) {
    var t = fixtures.tenant();
    var r = api.post("/api/v1/workflows", t.key(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    List<String> found = new ArrayList<>();
    for (JsonNode e : r.json().get("errors")) {
      if (e.get("field").asString().endsWith(field)
          && e.get("message").asString().contains(message)) {
        found.add(e.get("field").asString());
      }
    }
    assertThat(found).as(r.body()).isNotEmpty();
    assertThat(api.get("/api/v1/workflows", t.key()).json().get("data")).isEmpty();
  }

  @Test
  void a_workflow_is_created_read_versioned_and_archived() {
    var t = fixtures.tenant();
    var created =
        api.post(
            "/api/v1/workflows",
            t.key(),
            "{\"key\": \"onboard\", \"name\": \"Onboard\", \"steps\": [" + http("a", "") + "]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("version").asInt()).isEqualTo(1);
    assertThat(created.json().get("definition").get("steps")).hasSize(1);
    assertThat(created.json().get("definition").has("key")).isFalse();

    var again = api.post("/api/v1/workflows", t.key(), doc("onboard", http("a", "")));
    assertThat(again.status()).isEqualTo(409);

    var v2 =
        api.put(
            "/api/v1/workflows/onboard",
            t.key(),
            "{\"name\": \"Onboard v2\", \"steps\": ["
                + http("a", "")
                + ", "
                + http("b", "\"depends_on\": [\"a\"]")
                + "]}");
    assertThat(v2.status()).as(v2.body()).isEqualTo(200);
    assertThat(v2.json().get("version").asInt()).isEqualTo(2);
    assertThat(v2.json().get("name").asString()).isEqualTo("Onboard v2");

    var v1 = api.get("/api/v1/workflows/onboard?version=1", t.key()).json();
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    assertThat(v1.get("current_version").asInt()).isEqualTo(2);
    assertThat(v1.get("definition").get("steps")).hasSize(1);
    assertThat(api.get("/api/v1/workflows/onboard?version=3", t.key()).status()).isEqualTo(404);

    // A bad new version changes nothing.
    var bad =
        api.put("/api/v1/workflows/onboard", t.key(), doc("onboard", http("a", "\"retries\": 99")));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(api.get("/api/v1/workflows/onboard", t.key()).json().get("version").asInt())
        .isEqualTo(2);

    assertThat(api.get("/api/v1/workflows", t.key()).json().get("data")).hasSize(1);
    assertThat(api.get("/api/v1/workflows/onboard", fixtures.tenant().key()).status())
        .isEqualTo(404);

    assertThat(api.delete("/api/v1/workflows/onboard", t.key()).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/workflows", t.key()).json().get("data")).isEmpty();
    assertThat(api.get("/api/v1/workflows?archived=true", t.key()).json().get("data")).hasSize(1);
    var run = api.post("/api/v1/workflows/onboard/runs", t.key(), "{}");
    assertThat(run.status()).isEqualTo(409);
    assertThat(run.json().get("type").asString()).endsWith("workflow-archived");
  }
}
