package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code on_cancel}: with {@code finish} a cancelled run waits in {@code cancelling} for its step
 * in flight (a real request held on the target) and records its result; with {@code abandon} it is
 * cancelled at once, the step abandoned and its late outcome left to the history. Pending steps
 * never start in either case.
 */
class WorkflowCancelTest extends WorkflowApiTest {
  private void defineHeld(String key, String onCancel, String extra) {
    defineWith(
        key,
        onCancel == null ? extra : "\"on_cancel\": \"" + onCancel + "\"",
        http("slow", "/held/" + key, ""),
        "{\"name\": \"nap\", \"kind\": \"sleep\", \"duration\": \"1h\"}",
        http("next", "/next", "\"depends_on\": [\"slow\"]"));
  }

  private JsonNode cancel(String run) {
    var r = api.post("/api/v1/workflow-runs/" + run + "/cancel", t.key(), "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void with_finish_a_cancelled_run_waits_for_its_step_in_flight_and_keeps_its_key_meanwhile() {
    holdRequests();
    defineHeld("finishing", null, "\"concurrency\": {\"limit\": 1}");
    String run = startRun("finishing", "{}");
    String waiting = startRun("finishing", "{}");
    awaitRequests("/held/finishing", 1);
    assertThat(state(waiting)).isEqualTo("queued");

    JsonNode cancelling = cancel(run);
    assertThat(cancelling.get("state").asString()).isEqualTo("cancelling");
    var s = steps(cancelling);
    assertThat(s.get("slow").get("state").asString()).isEqualTo("running");
    assertThat(s.get("nap").get("state").asString()).isEqualTo("cancelled");
    assertThat(s.get("next").get("state").asString()).isEqualTo("cancelled");
    assertThat(state(waiting)).as("a cancelling run holds its key").isEqualTo("queued");
    assertThat(
            api.get("/api/v1/workflows/finishing/runs?state=cancelling", t.key())
                .json()
                .get("data"))
        .hasSize(1);

    gate.release(); // the request in flight answers: its result is the step's, the run ends
    JsonNode cancelled = awaitState(run, "cancelled");
    s = steps(cancelled);
    assertThat(s.get("slow").get("state").asString()).isEqualTo("succeeded");
    assertThat(s.get("slow").get("output").get("status").asInt()).isEqualTo(200);
    assertThat(s.get("next").get("state").asString()).isEqualTo("cancelled");
    assertThat(cancelled.get("error").asString()).isEqualTo("cancelled by request");

    // Its end let the queued run in; cancelling that one while its step is in flight, twice,
    // abandons the step.
    awaitRequests("/held/finishing", 2);
    assertThat(cancel(waiting).get("state").asString()).isEqualTo("cancelling");
    JsonNode twice = cancel(waiting);
    assertThat(twice.get("state").asString()).isEqualTo("cancelled");
    assertThat(steps(twice).get("slow").get("state").asString()).isEqualTo("abandoned");
    gate.release();
    assertThat(target.received().stream().filter(r -> r.path().equals("/next"))).isEmpty();
  }

  @Test
  void with_abandon_a_cancelled_run_ends_at_once_and_the_late_outcome_is_history_only() {
    holdRequests();
    defineHeld("abandoning", "abandon", "");
    String run = startRun("abandoning", "{}");
    awaitRequests("/held/abandoning", 1);

    JsonNode cancelled = cancel(run);
    assertThat(cancelled.get("state").asString()).isEqualTo("cancelled");
    var s = steps(cancelled);
    assertThat(s.get("slow").get("state").asString()).isEqualTo("abandoned");
    assertThat(s.get("slow").get("decision").get("reason").asString()).contains("abandon");
    assertThat(s.get("nap").get("state").asString()).isEqualTo("cancelled");
    assertThat(s.get("next").get("state").asString()).isEqualTo("cancelled");

    gate.release();
    Sink.await(
        WITHIN,
        "the abandoned request's outcome in the history",
        () ->
            jdbc.sql(
                        "SELECT count(*) FROM executions WHERE source_id = :run AND status = 'success'")
                    .param("run", java.util.UUID.fromString(run))
                    .query(Integer.class)
                    .single()
                == 1);
    JsonNode after = run(run);
    assertThat(after.get("state").asString()).isEqualTo("cancelled");
    assertThat(steps(after).get("slow").get("state").asString()).isEqualTo("abandoned");
    assertThat(steps(after).get("next").get("state").asString()).isEqualTo("cancelled");
    assertThat(target.received().stream().filter(r -> r.path().equals("/next"))).isEmpty();

    // A retry runs the abandoned step again.
    var retried = api.post("/api/v1/workflow-runs/" + run + "/retry", t.key(), "{}");
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(steps(retried.json()).get("slow").get("state").asString()).isEqualTo("running");
    assertThat(cancel(run).get("state").asString()).isEqualTo("cancelled");
    gate.release();
  }
}
