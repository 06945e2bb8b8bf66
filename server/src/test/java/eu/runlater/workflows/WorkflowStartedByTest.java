package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The run view's {@code started_by} for a start by API key, by a dashboard user, by an event and by
 * a parent run (a job's occurrence and a queue message: WorkflowJobStartsTest,
 * WorkflowQueueStartsTest), and the run page naming it.
 */
class WorkflowStartedByTest extends WorkflowApiTest {

  @Test
  void a_run_started_by_api_names_its_key_and_the_page_links_the_keys() {
    define("by-api", http("a", "/a", ""));
    String id = startRun("by-api", "{}");
    JsonNode by = awaitState(id, "succeeded").get("started_by");
    assertThat(by.get("kind").asString()).isEqualTo("api_key");
    assertThat(by.get("id").asString()).isEqualTo(t.keyId().toString());
    assertThat(by.get("name").asString()).isEqualTo("test key");
    assertThat(by.get("key_prefix").asString()).startsWith("pk_live_");
    assertThat(t.key()).startsWith(by.get("key_prefix").asString());
    // A list leaves it out.
    JsonNode listed = api.get("/api/v1/workflows/by-api/runs", t.key()).json().get("data").get(0);
    assertThat(listed.get("started_by").isNull()).isTrue();

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    String page = browser.get("/workflow-runs/" + id).body();
    assertThat(page)
        .contains("<dt>Started by</dt>")
        .contains("API key <a href=\"/settings/api-keys\">test key</a>")
        .contains(by.get("key_prefix").asString());
  }

  @Test
  void a_run_started_on_the_dashboard_names_its_user() {
    define("by-hand", http("a", "/a", ""));
    var user = fixtures.user(t.id(), Role.MEMBER);
    Browser browser = signIn(user);
    browser.get("/workflows/by-hand");
    var started = browser.post("/workflows/by-hand/runs", Map.of("input", "{}"));
    assertThat(started.redirectPath()).as(started.body()).startsWith("/workflow-runs/");
    String id = started.redirectPath().substring("/workflow-runs/".length());
    JsonNode by = awaitState(id, "succeeded").get("started_by");
    assertThat(by.get("kind").asString()).isEqualTo("user");
    assertThat(by.get("id").asString()).isEqualTo(user.id().toString());
    assertThat(by.get("name").asString()).isEqualTo(user.email());
    assertThat(browser.get("/workflow-runs/" + id).body())
        .contains(user.email() + "</span> on the dashboard");
  }

  @Test
  void a_run_started_by_an_event_names_the_event() {
    defineWith("by-event", "\"triggers\": [{\"event\": \"order.paid\"}]", http("a", "/a", ""));
    JsonNode sent = event("order.paid", "{\"n\": 1}");
    String id = sent.get("started").get(0).get("run_id").asString();
    JsonNode by = awaitState(id, "succeeded").get("started_by");
    assertThat(by.get("kind").asString()).isEqualTo("event");
    assertThat(by.get("id").asString()).isEqualTo(sent.get("id").asString());
    assertThat(by.get("name").asString()).isEqualTo("order.paid");

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    assertThat(browser.get("/workflow-runs/" + id).body())
        .contains("event <strong>order.paid</strong>")
        .contains(sent.get("id").asString());
  }

  @Test
  void a_sub_workflow_names_and_links_its_parent_run() {
    define("child", http("a", "/a", ""));
    define("parent", WorkflowSubWorkflowsTest.sub("call", "child", ""));
    String parent = startRun("parent", "{}");
    JsonNode done = awaitState(parent, "succeeded");
    String child = steps(done).get("call").get("decision").get("run_id").asString();
    JsonNode by = run(child).get("started_by");
    assertThat(by.get("kind").asString()).isEqualTo("workflow_run");
    assertThat(by.get("id").asString()).isEqualTo(parent);
    assertThat(by.get("name").asString()).isEqualTo("parent");
    assertThat(by.get("link").asString()).isEqualTo("/workflow-runs/" + parent);

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    assertThat(browser.get("/workflow-runs/" + child).body())
        .contains("parent run <a href=\"/workflow-runs/" + parent + "\"");
  }
}
