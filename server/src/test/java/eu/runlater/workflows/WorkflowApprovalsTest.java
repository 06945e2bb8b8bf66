package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures.TestUser;
import eu.runlater.testing.Sink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Approval steps through the API: decisions by assignees only, once; rejection; timeouts with their
 * declared outcome; escalation and delegation; the inbox; cancellation while one waits.
 */
class WorkflowApprovalsTest extends WorkflowApiTest {
  TestUser alice;
  TestUser bob;
  TestUser carol;
  TestUser admin;

  @BeforeEach
  void people() {
    alice = fixtures.user(t.id(), Role.MEMBER);
    bob = fixtures.user(t.id(), Role.MEMBER);
    carol = fixtures.user(t.id(), Role.MEMBER);
    admin = fixtures.user(t.id(), Role.ADMIN);
  }

  static String approval(String name, String fields) {
    return "{\"name\": \"%s\", \"kind\": \"approval\", %s}".formatted(name, fields);
  }

  Api.Response decide(String run, String step, String action, String body) {
    return api.post(
        "/api/v1/workflow-runs/" + run + "/steps/" + step + "/" + action, t.key(), body);
  }

  static String by(TestUser u, String comment) {
    return "{\"by\": \"%s\", \"comment\": \"%s\"}".formatted(u.email(), comment);
  }

  static void problem(Api.Response r, int status, String type) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("type").asString()).endsWith(type);
  }

  @Test
  void
      an_assignee_approves_once_with_a_comment_and_the_run_goes_on_while_refusals_change_nothing() {
    define(
        "refund",
        approval(
            "ok",
            "\"assignees\": {\"users\": [\"%s\"]}, \"timeout\": \"1h\""
                .formatted(alice.email().toUpperCase(java.util.Locale.ROOT))),
        http("pay", "/pay/{{ steps.ok.output.by }}", "\"depends_on\": [\"ok\"]"));
    String id = startRun("refund", "{\"amount\": 30}");
    assertThat(steps(run(id)).get("ok").get("state").asString()).isEqualTo("running");
    JsonNode waiting = inbox(alice);
    assertThat(waiting).hasSize(1);
    assertThat(waiting.get(0).get("run_id").asString()).isEqualTo(id);
    assertThat(waiting.get(0).get("step").asString()).isEqualTo("ok");
    assertThat(waiting.get(0).get("input").get("amount").asInt()).isEqualTo(30);
    assertThat(inbox(bob)).isEmpty();

    problem(decide(id, "ok", "approve", by(bob, "me too")), 403, "not-assignee");
    problem(decide(id, "ok", "approve", "{\"by\": \"stranger@example.com\"}"), 403, "not-assignee");
    problem(decide(id, "ok", "approve", "{\"comment\": \"who?\"}"), 422, "validation");
    problem(decide(id, "ok", "approve", by(alice, "x") + " ,"), 400, "");
    assertThat(decide(id, "nope", "approve", by(alice, "x")).status()).isEqualTo(404);
    assertThat(steps(run(id)).get("ok").get("state").asString()).isEqualTo("running");

    var approved = decide(id, "ok", "approve", by(alice, "fine by me"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonNode r = awaitState(id, "succeeded");
    JsonNode ok = steps(r).get("ok");
    assertThat(ok.get("output").get("approved").asBoolean()).isTrue();
    assertThat(ok.get("output").get("by").asString()).isEqualTo(alice.email());
    assertThat(ok.get("output").get("comment").asString()).isEqualTo("fine by me");
    assertThat(ok.get("decision").get("decided_by").asString()).isEqualTo(alice.email());
    assertThat(ok.get("decision").get("history").get(0).get("what").asString())
        .isEqualTo("approved");
    assertThat(target.received().getFirst().path()).isEqualTo("/pay/" + alice.email());

    problem(decide(id, "ok", "approve", by(alice, "again")), 409, "run-not-running");
    assertThat(inbox(alice)).isEmpty();
    assertThat(target.count()).isEqualTo(1);
  }

  @Test
  void a_role_assignee_rejects_and_the_step_fails_unless_it_continues_on_failure() {
    define(
        "strict",
        approval("ok", "\"assignees\": {\"roles\": [\"admin\"]}"),
        http("pay", "/pay", "\"depends_on\": [\"ok\"]"));
    String id = startRun("strict", "{}");
    assertThat(inbox(admin)).hasSize(1);
    assertThat(inbox(alice)).isEmpty();
    problem(decide(id, "ok", "reject", by(alice, "no")), 403, "not-assignee");
    assertThat(decide(id, "ok", "reject", by(admin, "too much")).status()).isEqualTo(200);
    JsonNode r = awaitState(id, "failed");
    assertThat(r.get("error").asString()).contains("rejected by " + admin.email() + ": too much");
    assertThat(steps(r).get("ok").get("output").get("approved").asBoolean()).isFalse();
    assertThat(steps(r).get("pay").get("state").asString()).isEqualTo("cancelled");

    define(
        "lenient",
        approval("ok", "\"assignees\": {\"roles\": [\"admin\"]}, \"on_failure\": \"continue\""),
        """
        {"name": "approved", "kind": "condition", "depends_on": ["ok"],
         "expression": "steps.ok.output.approved", "then": ["pay"], "else": ["tell"]}""",
        http("pay", "/pay", "\"depends_on\": [\"approved\"]"),
        http("tell", "/tell", "\"depends_on\": [\"approved\"]"));
    String other = startRun("lenient", "{}");
    assertThat(decide(other, "ok", "reject", by(admin, "no")).status()).isEqualTo(200);
    JsonNode done = awaitState(other, "succeeded");
    assertThat(steps(done).get("pay").get("state").asString()).isEqualTo("skipped");
    assertThat(target.received().getFirst().path()).isEqualTo("/tell");
  }

  @Test
  void an_undecided_approval_takes_its_declared_outcome_and_a_late_decision_is_refused() {
    define(
        "auto",
        approval(
            "ok",
            "\"assignees\": {\"users\": [\"%s\"]}, \"timeout\": \"1s\", \"on_timeout\": \"approve\""
                .formatted(alice.email())),
        http("pay", "/pay", "\"depends_on\": [\"ok\"]"));
    String id = startRun("auto", "{}");
    JsonNode r = awaitState(id, "succeeded");
    JsonNode ok = steps(r).get("ok");
    assertThat(ok.get("output").get("timed_out").asBoolean()).isTrue();
    assertThat(ok.get("output").get("approved").asBoolean()).isTrue();
    assertThat(ok.get("decision").get("history").get(0).get("what").asString())
        .isEqualTo("timed_out");
    problem(decide(id, "ok", "approve", by(alice, "late")), 409, "run-not-running");

    define(
        "deny",
        approval(
            "ok",
            "\"assignees\": {\"users\": [\"%s\"]}, \"timeout\": \"1s\", \"on_timeout\": \"reject\""
                .formatted(alice.email())),
        http("after", "/after", "\"depends_on\": [\"ok\"]"),
        approval("other", "\"assignees\": {\"roles\": [\"owner\"]}"));
    String denied = startRun("deny", "{}");
    Sink.await(
        WITHIN,
        "the approval to time out",
        () -> steps(run(denied)).get("ok").get("state").asString().equals("failed"));
    JsonNode failed = awaitState(denied, "failed");
    assertThat(failed.get("error").asString()).contains("no decision within", "rejected");
    assertThat(steps(failed).get("ok").get("output").get("approved").asBoolean()).isFalse();
    assertThat(steps(failed).get("other").get("state").asString()).isEqualTo("cancelled");
    problem(decide(denied, "ok", "approve", by(alice, "late")), 409, "run-not-running");
    assertThat(target.count()).isEqualTo(1);
  }

  @Test
  void an_escalation_adds_its_assignees_on_time_and_a_delegate_decides_instead_of_the_delegator() {
    define(
        "escalating",
        approval(
            "ok",
            ("\"assignees\": {\"users\": [\"%s\"]}, \"timeout\": \"1h\","
                    + " \"escalate\": {\"after\": \"2s\", \"to\": {\"roles\": [\"admin\"]}}")
                .formatted(alice.email())));
    String id = startRun("escalating", "{}");
    problem(decide(id, "ok", "approve", by(admin, "early")), 403, "not-assignee");
    assertThat(inbox(admin)).isEmpty();
    Sink.await(WITHIN, "the escalation", () -> inbox(admin).size() == 1);
    JsonNode decision = steps(run(id)).get("ok").get("decision");
    assertThat(decision.get("history").get(0).get("what").asString()).isEqualTo("escalated");
    assertThat(decision.get("assignees").get("roles").toString()).isEqualTo("[\"admin\"]");

    var bad =
        decide(
            id,
            "ok",
            "delegate",
            "{\"by\": \"%s\", \"to\": \"nobody@example.com\"}".formatted(alice.email()));
    problem(bad, 422, "validation");
    assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("to");
    problem(
        decide(
            id,
            "ok",
            "delegate",
            "{\"by\": \"%s\", \"to\": \"%s\"}".formatted(bob.email(), carol.email())),
        403,
        "not-assignee");
    var delegated =
        decide(
            id,
            "ok",
            "delegate",
            "{\"by\": \"%s\", \"to\": \"%s\", \"comment\": \"on leave\"}"
                .formatted(alice.email(), carol.email()));
    assertThat(delegated.status()).as(delegated.body()).isEqualTo(200);
    assertThat(inbox(alice)).isEmpty();
    assertThat(inbox(carol)).hasSize(1);
    problem(decide(id, "ok", "approve", by(alice, "mine")), 403, "not-assignee");

    assertThat(decide(id, "ok", "approve", by(carol, "done")).status()).isEqualTo(200);
    JsonNode r = awaitState(id, "succeeded");
    JsonNode history = steps(r).get("ok").get("decision").get("history");
    assertThat(history).hasSize(3);
    assertThat(history.get(1).get("what").asString()).isEqualTo("delegated");
    assertThat(history.get(1).get("to").asString()).isEqualTo(carol.email());
    assertThat(history.get(1).get("comment").asString()).isEqualTo("on leave");
    assertThat(history.get(2).get("by").asString()).isEqualTo(carol.email());
    assertThat(inbox(admin)).isEmpty();
  }

  @Test
  void a_run_cancelled_while_an_approval_waits_ends_it_and_refuses_the_decision() {
    define(
        "waiting",
        approval("ok", "\"assignees\": {\"roles\": [\"member\"]}"),
        http("after", "/after", "\"depends_on\": [\"ok\"]"));
    String id = startRun("waiting", "{}");
    assertThat(api.get("/api/v1/approvals", t.key()).json().get("data")).hasSize(1);
    var cancelled = api.post("/api/v1/workflow-runs/" + id + "/cancel", t.key(), "{}");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(steps(cancelled.json()).get("ok").get("state").asString()).isEqualTo("cancelled");
    assertThat(api.get("/api/v1/approvals", t.key()).json().get("data")).isEmpty();
    problem(decide(id, "ok", "approve", by(alice, "late")), 409, "run-not-running");
  }
}
