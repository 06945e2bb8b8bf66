package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Workflow steps: a child run with templated input whose outputs become the step's, a child's
 * failure failing the step (or continuing), a cancelled parent cancelling its child, and cycles of
 * workflows refused when saved.
 */
class WorkflowSubWorkflowsTest extends WorkflowApiTest {

  static String sub(String name, String workflow, String extra) {
    return "{\"name\": \"%s\", \"kind\": \"workflow\", \"workflow\": \"%s\"%s}"
        .formatted(name, workflow, extra.isEmpty() ? "" : ", " + extra);
  }

  @Test
  void a_child_run_gets_templated_input_and_its_outputs_become_the_step_output() {
    define("charge", http("pay", "/pay/{{ input.amount }}", ""));
    define(
        "order",
        http("fetch", "/fetch", ""),
        sub(
            "charge",
            "charge",
            "\"depends_on\": [\"fetch\"], \"input\": {\"amount\": \"{{ steps.fetch.output.body.id"
                + " }}\"}"),
        http(
            "ship",
            "/ship/{{ steps.charge.output.steps.pay.status }}",
            "\"depends_on\": [\"charge\"]"));
    JsonNode r = awaitState(startRun("order", "{}"), "succeeded");
    JsonNode charge = steps(r).get("charge");
    String child = charge.get("decision").get("run_id").asString();
    assertThat(charge.get("output").get("run_id").asString()).isEqualTo(child);
    assertThat(charge.get("output").get("steps").get("pay").get("status").asInt()).isEqualTo(200);
    assertThat(target.received().stream().map(Sink.Received::path))
        .containsExactly("/fetch", "/pay/42", "/ship/200");
    JsonNode childRun = run(child);
    assertThat(childRun.get("workflow").asString()).isEqualTo("charge");
    assertThat(childRun.get("input").get("amount").asInt()).isEqualTo(42);
    assertThat(childRun.get("state").asString()).isEqualTo("succeeded");
  }

  @Test
  void a_failing_or_missing_child_fails_the_step_and_its_on_failure_applies() {
    target.respond(r -> json(r.path().equals("/bad") ? 500 : 200, "{}"));
    define("flaky", http("bad", "/bad", ""));
    define(
        "strict", sub("call", "flaky", ""), http("after", "/after", "\"depends_on\": [\"call\"]"));
    JsonNode failed = awaitState(startRun("strict", "{}"), "failed");
    assertThat(failed.get("error").asString())
        .contains("step call failed: sub-workflow run")
        .contains("failed: step bad failed");
    assertThat(steps(failed).get("after").get("state").asString()).isEqualTo("cancelled");

    define(
        "lenient",
        sub("call", "flaky", "\"on_failure\": \"continue\""),
        http("after", "/after", "\"depends_on\": [\"call\"]"));
    JsonNode ok = awaitState(startRun("lenient", "{}"), "succeeded");
    assertThat(steps(ok).get("call").get("state").asString()).isEqualTo("failed");
    assertThat(target.received().stream().filter(x -> x.path().equals("/after"))).hasSize(1);

    assertThat(api.delete("/api/v1/workflows/flaky", t.key()).status()).isEqualTo(204);
    JsonNode archived = awaitState(startRun("strict", "{}"), "failed");
    assertThat(steps(archived).get("call").get("error").asString())
        .isEqualTo("workflow 'flaky' could not start: it is archived");
  }

  @Test
  void cancelling_a_parent_cancels_the_child_it_waits_for() {
    define("slow", "{\"name\": \"nap\", \"kind\": \"sleep\", \"duration\": \"1h\"}");
    define("parent", sub("wait", "slow", ""));
    String id = startRun("parent", "{}");
    String child = steps(run(id)).get("wait").get("decision").get("run_id").asString();
    assertThat(run(child).get("state").asString()).isEqualTo("running");
    var cancelled = api.post("/api/v1/workflow-runs/" + id + "/cancel", t.key(), "{}");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(steps(cancelled.json()).get("wait").get("state").asString()).isEqualTo("cancelled");
    JsonNode c = run(child);
    assertThat(c.get("state").asString()).isEqualTo("cancelled");
    assertThat(c.get("error").asString()).isEqualTo("its parent run " + id + " ended");
    assertThat(steps(c).get("nap").get("state").asString()).isEqualTo("cancelled");
  }

  @Test
  void a_version_that_would_close_a_cycle_of_workflows_is_refused() {
    define("b", http("x", "/x", ""));
    define("a", sub("call_b", "b", ""));
    var closing =
        api.put("/api/v1/workflows/b", t.key(), "{\"steps\": [" + sub("back", "a", "") + "]}");
    assertThat(closing.status()).as(closing.body()).isEqualTo(422);
    assertThat(closing.json().get("errors").get(0).get("field").asString())
        .isEqualTo("steps.back.workflow");
    assertThat(closing.json().get("errors").get(0).get("message").asString())
        .isEqualTo("forms a cycle of workflows: b -> a -> b");
    assertThat(api.get("/api/v1/workflows/b", t.key()).json().get("version").asInt()).isEqualTo(1);
  }
}
