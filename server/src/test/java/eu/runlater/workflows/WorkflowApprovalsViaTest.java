package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures.TestUser;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An approval decided through the API records the API key beside the member it names. */
class WorkflowApprovalsViaTest extends WorkflowApiTest {

  @Test
  void an_approval_through_the_api_records_its_key_beside_by_and_the_run_page_shows_both() {
    TestUser alice = fixtures.user(t.id(), Role.MEMBER);
    TestUser bob = fixtures.user(t.id(), Role.MEMBER);
    define(
        "refund",
        WorkflowApprovalsTest.approval(
            "ok", "\"assignees\": {\"users\": [\"%s\"]}".formatted(alice.email())));
    String id = startRun("refund", "{}");
    String step = "/api/v1/workflow-runs/" + id + "/steps/ok/";
    var delegated =
        api.post(
            step + "delegate",
            t.key(),
            "{\"by\": \"%s\", \"to\": \"%s\"}".formatted(alice.email(), bob.email()));
    assertThat(delegated.status()).as(delegated.body()).isEqualTo(200);
    var approved = api.post(step + "approve", t.key(), WorkflowApprovalsTest.by(bob, "fine by me"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);

    JsonNode decision = steps(awaitState(id, "succeeded")).get("ok").get("decision");
    assertThat(decision.get("decided_by").asString()).isEqualTo(bob.email());
    assertThat(decision.get("decided_via").get("api_key_id").asString())
        .isEqualTo(t.keyId().toString());
    assertThat(decision.get("decided_via").get("api_key_name").asString()).isEqualTo("test key");
    JsonNode history = decision.get("history");
    assertThat(history.get(0).get("what").asString()).isEqualTo("delegated");
    assertThat(history.get(0).get("via").get("api_key_id").asString())
        .isEqualTo(t.keyId().toString());
    assertThat(history.get(1).get("what").asString()).isEqualTo("approved");
    assertThat(history.get(1).get("by").asString()).isEqualTo(bob.email());
    assertThat(history.get(1).get("via").get("api_key_name").asString()).isEqualTo("test key");

    Browser browser = signIn(alice);
    String page = browser.get("/workflow-runs/" + id).body();
    String key = "API key test key (" + t.keyId() + ")";
    assertThat(page)
        .contains("delegated by " + alice.email() + " through " + key + " to " + bob.email())
        .contains("approved by " + bob.email() + " through " + key + ": fine by me")
        .contains(">Through</dt>");
  }
}
