package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The job form's workflow target over real HTTP, as a browser without JavaScript posts it: both
 * targets' fields are sent and the chosen one decides; saved as the API saves {@code workflow:
 * {key, input}}, refused with the same checks (each beside its field, nothing saved), and switched
 * both ways on an existing job.
 */
class JobWorkflowFormTest extends ServerTest {
  private static final String SCHEMA =
      "\"input_schema\": {\"type\": \"object\", \"required\": [\"customer\"], \"properties\":"
          + " {\"customer\": {\"type\": \"string\"}}}";

  @Autowired JobReads reads;
  @Autowired JdbcClient jdbc;

  private void workflow(Fixtures.Tenant org, String key, String name, String extra) {
    var created =
        api.post(
            "/api/v1/workflows",
            org.key(),
            """
            {"key": "%s", "name": "%s"%s, "steps": [{"name": "a", "kind": "http",
                                                 "url": "https://example.com/a"}]}"""
                .formatted(key, name, extra.isEmpty() ? "" : ", " + extra));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  /** The whole form as the page posts it: the HTTP fields filled, and the workflow's. */
  private static Map<String, String> form(String name, String target, String key, String input) {
    Map<String, String> form = JobPagesTest.validForm(name);
    form.put("body", "{\"http\": true}");
    form.put("target", target);
    form.put("workflowKey", key);
    form.put("workflowInput", input);
    return form;
  }

  private JsonNode job(Fixtures.Tenant org, UUID id) {
    return api.get("/api/v1/jobs/" + id, org.key()).json();
  }

  private long jobCount(UUID org) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE organization_id = :org")
        .param("org", org)
        .query(Long.class)
        .single();
  }

  @Test
  void a_workflow_chosen_in_the_form_is_saved_as_the_apis_workflow_target_and_edited_as_one() {
    var org = fixtures.tenant();
    workflow(org, "nightly", "Nightly report", SCHEMA);
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    String blank = browser.get("/jobs/new").body();
    assertThat(blank)
        .contains("name=\"target\" value=\"http\" checked")
        .contains("<option value=\"nightly\">Nightly report (nightly)</option>");

    var saved =
        browser.post("/jobs", form("Nightly", "workflow", "nightly", "{\"customer\": \"acme\"}"));
    assertThat(saved.status()).as(saved.body()).isEqualTo(302);
    UUID id = UUID.fromString(saved.redirectPath().substring("/jobs/".length()));
    JsonNode job = job(org, id);
    assertThat(job.get("workflow").get("key").asString()).isEqualTo("nightly");
    assertThat(job.get("workflow").get("input").get("customer").asString()).isEqualTo("acme");
    assertThat(job.get("url").isNull()).isTrue();
    // The HTTP fields that were posted beside it are not saved.
    assertThat(reads.get(org.id(), id).request().headers())
        .noneMatch(h -> h.name().equalsIgnoreCase("Authorization"));
    assertThat(job.get("timeout_ms").asInt()).isEqualTo(10_000);
    assertThat(job.get("retries").asInt()).isEqualTo(2);

    String detail = browser.get("/jobs/" + id).body();
    assertThat(detail)
        .contains("Starts a run of workflow <a href=\"/workflows/nightly\">Nightly report ")
        .contains("<span class=\"mono\">nightly</span>");

    String edit = browser.get("/jobs/" + id + "/edit").body();
    assertThat(edit)
        .contains("name=\"target\" value=\"workflow\" checked")
        .contains("<option value=\"nightly\" selected=\"selected\">Nightly report (nightly)")
        .contains("&quot;customer&quot; : &quot;acme&quot;")
        // The HTTP fields start empty, as a new job's: no start URL to edit by hand.
        .doesNotContain("workflow:start/");
  }

  @Test
  void a_target_the_api_would_refuse_is_shown_beside_its_field_and_nothing_is_saved() {
    var org = fixtures.tenant();
    workflow(org, "nightly", "Nightly report", SCHEMA);
    workflow(org, "old", "Old one", "");
    assertThat(api.delete("/api/v1/workflows/old", org.key()).status()).isEqualTo(204);
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    String blank = browser.get("/jobs/new").body();
    assertThat(blank).doesNotContain("value=\"old\"");

    // key|input → what the form says beside the field
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("|{}", "Workflow is required");
    cases.put("missing|{}", "Workflow names no workflow of this organization");
    cases.put("old|{}", "Workflow names an archived workflow");
    cases.put("nightly|{\"customer\": ", "Input is not valid JSON");
    cases.put("nightly|[1, 2]", "Input must be a JSON object");
    cases.put("nightly|{\"customer\": 7}", "Input /customer");
    cases.put("nightly|{}", "customer");
    for (var c : cases.entrySet()) {
      String[] keyAndInput = c.getKey().split("\\|", 2);
      var page = browser.post("/jobs", form("Refused", "workflow", keyAndInput[0], keyAndInput[1]));
      assertThat(page.status()).as(c.getKey()).isEqualTo(200);
      assertThat(page.body()).as(c.getKey()).contains("The job was not saved");
      String errors = String.join("\n", JobPagesTest.fieldErrors(page.body()));
      assertThat(errors).as(c.getKey()).contains(c.getValue());
      // Shown again as sent: the chosen target and what was typed.
      assertThat(page.body())
          .as(c.getKey())
          .contains("name=\"target\" value=\"workflow\" checked")
          .contains(
              keyAndInput[1]
                  .replace("&", "&amp;")
                  .replace("\"", "&quot;")
                  .replace("<", "&lt;")
                  .replace(">", "&gt;"));
    }
    // The archived workflow named by the form stays selected, marked, rather than another.
    var archived = browser.post("/jobs", form("Refused", "workflow", "old", "{}"));
    assertThat(archived.body()).contains("selected=\"selected\">Old one (old) — archived");
    assertThat(jobCount(org.id())).isZero();
  }

  @Test
  void an_existing_job_switches_from_http_to_a_workflow_and_back() {
    var org = fixtures.tenant();
    workflow(org, "nightly", "Nightly report", SCHEMA);
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    var created = browser.post("/jobs", form("Switching", "http", "", ""));
    assertThat(created.status()).as(created.body()).isEqualTo(302);
    UUID id = UUID.fromString(created.redirectPath().substring("/jobs/".length()));
    assertThat(job(org, id).get("url").asString()).isEqualTo("https://example.com/hook");
    assertThat(reads.get(org.id(), id).request().secretHeaderNames()).contains("Authorization");

    // To the workflow: the stored secret header is not carried (a workflow target has none), so
    // the mask the edit page sends back for it is no refusal.
    browser.get("/jobs/" + id + "/edit");
    Map<String, String> toWorkflow =
        form("Switching", "workflow", "nightly", "{\"customer\": \"acme\"}");
    toWorkflow.put("headerValue", "••••••");
    var switched = browser.post("/jobs/" + id, toWorkflow);
    assertThat(switched.status()).as(switched.body()).isEqualTo(302);
    JsonNode job = job(org, id);
    assertThat(job.get("workflow").get("key").asString()).isEqualTo("nightly");
    assertThat(job.get("url").isNull()).isTrue();
    assertThat(reads.get(org.id(), id).request().secretHeaderNames()).isEmpty();

    // And back to HTTP: the HTTP fields decide again, the workflow's are ignored.
    browser.get("/jobs/" + id + "/edit");
    Map<String, String> toHttp = form("Switching", "http", "nightly", "{\"customer\": \"acme\"}");
    toHttp.put("url", "https://example.com/back");
    toHttp.put("headerValue", "Bearer typed-again");
    var back = browser.post("/jobs/" + id, toHttp);
    assertThat(back.status()).as(back.body()).isEqualTo(302);
    job = job(org, id);
    assertThat(job.get("workflow").isNull()).isTrue();
    assertThat(job.get("url").asString()).isEqualTo("https://example.com/back");
    assertThat(job.get("method").asString()).isEqualTo("POST");
    assertThat(browser.get("/jobs/" + id + "/edit").body())
        .contains("name=\"target\" value=\"http\" checked");
  }

  @Test
  void an_organization_without_workflows_is_told_so_and_led_to_create_one() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    String page = browser.get("/jobs/new").body();
    assertThat(page)
        .contains("Your organization has no workflows yet")
        .contains("<a href=\"/workflows\">Create a workflow</a>")
        .doesNotContain("id=\"workflowKey\"");
    // Choosing the workflow anyway says what is missing, beside the (absent) choice.
    var refused = browser.post("/jobs", form("No workflow", "workflow", "", ""));
    assertThat(refused.status()).isEqualTo(200);
    assertThat(String.join("\n", JobPagesTest.fieldErrors(refused.body())))
        .contains("Workflow is required");
    assertThat(jobCount(org.id())).isZero();
  }
}
