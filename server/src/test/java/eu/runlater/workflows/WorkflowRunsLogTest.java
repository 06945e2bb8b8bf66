package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The runs log, the home page and the execution page name a workflow step's executions by their
 * workflow and step, linked to the run, through the workflows' ExecutionSource.
 */
class WorkflowRunsLogTest extends WorkflowApiTest {

  @Test
  void the_runs_log_and_the_home_page_name_a_step_and_link_its_run() {
    define("orders", http("fetch", "/fetch", ""));
    String id = startRun("orders", "{}");
    awaitState(id, "succeeded");

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    String runs = browser.get("/runs").body();
    assertThat(runs)
        .contains(">Workflow: orders → step fetch</a>")
        .contains("href=\"/workflow-runs/" + id + "\"")
        .doesNotContain("Deleted job");
    String home = browser.get("/").body();
    assertThat(home)
        .contains(">Workflow: orders → step fetch</a>")
        .contains("href=\"/workflow-runs/" + id + "\"");
  }

  @Test
  void a_step_execution_page_shows_the_workflow_trail_not_the_jobs_one() {
    define("orders", http("fetch", "/fetch", ""));
    String id = startRun("orders", "{}");
    JsonNode run = awaitState(id, "succeeded");
    String execution = steps(run).get("fetch").get("execution_id").asString();

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    String page = browser.get("/executions/" + execution).body();
    String crumbs = page.substring(page.indexOf("<p class=\"crumbs\">"));
    crumbs = crumbs.substring(0, crumbs.indexOf("</p>"));
    assertThat(crumbs)
        .contains("<a href=\"/workflows\">Workflows</a> / ")
        .contains("<a href=\"/workflows/orders\">orders</a> / ")
        .contains("<a href=\"/workflow-runs/" + id + "\">run " + id + "</a> / ")
        .contains("<span>step fetch</span>")
        .doesNotContain("/jobs");
    // The button to its owner's page names that page: the run's waterfall, not a job's history.
    assertThat(page)
        .contains("href=\"/workflow-runs/" + id + "\">Run waterfall</a>")
        .doesNotContain("Job history");
  }
}
