package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import org.junit.jupiter.api.Test;

/**
 * The runs log and the home page name a workflow step's executions by their workflow and step,
 * linked to the run, through the workflows' ExecutionSource.
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
}
