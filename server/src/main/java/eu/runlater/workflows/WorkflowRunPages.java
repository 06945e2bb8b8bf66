package eu.runlater.workflows;

import eu.runlater.engine.SecretBox;
import eu.runlater.executions.Executions;
import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * One run's page: its waterfall ({@link RunWaterfall}), which refreshes on the live stream's events
 * while the run goes (every step's attempt is an execution, so the stream sees it), and cancel and
 * retry-from-failed, with the API's meaning and its 409s as messages.
 */
@Pages
class WorkflowRunPages {
  private final RunCommands runs;
  private final WorkflowCommands workflows;
  private final WorkflowPageReads reads;
  private final Executions executions;
  private final LiveFeed live;
  private final SecretBox secrets;
  private final tools.jackson.databind.json.JsonMapper json;
  private final InstantSource clock;

  WorkflowRunPages(
      RunCommands runs,
      WorkflowCommands workflows,
      WorkflowPageReads reads,
      Executions executions,
      LiveFeed live,
      SecretBox secrets,
      tools.jackson.databind.json.JsonMapper json,
      InstantSource clock) {
    this.runs = runs;
    this.workflows = workflows;
    this.reads = reads;
    this.executions = executions;
    this.live = live;
    this.secrets = secrets;
    this.json = json;
    this.clock = clock;
  }

  @GetMapping("/workflow-runs/{id}")
  String run(Viewer viewer, @PathVariable UUID id, Model model) {
    // Before the reads: a change after this makes the stream's first event re-fetch.
    model.addAttribute("seen", live.fingerprint(viewer.organizationId()));
    fill(viewer.organizationId(), id, model);
    return "workflows/run";
  }

  @GetMapping("/workflow-runs/{id}/waterfall")
  String waterfall(Viewer viewer, @PathVariable UUID id, Model model) {
    fill(viewer.organizationId(), id, model);
    return "workflows/run :: waterfall";
  }

  @PostMapping("/workflow-runs/{id}/cancel")
  String cancel(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect)
      throws SQLException {
    viewer.require(Permission.OPERATE, "cancel workflow runs");
    return act(
        () -> runs.cancel(viewer.organizationId(), id),
        id,
        "Cancelled the run: pending steps will not start; a request in flight finishes.",
        redirect);
  }

  @PostMapping("/workflow-runs/{id}/retry")
  String retry(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect)
      throws SQLException {
    viewer.require(Permission.OPERATE, "retry workflow runs");
    return act(
        () -> runs.retry(viewer.organizationId(), id),
        id,
        "Retrying from where it stopped: succeeded steps keep their outputs.",
        redirect);
  }

  private interface RunAction {
    RunView run() throws SQLException;
  }

  /** Runs a command on the run and comes back to its page; a 409 shows there as a message. */
  private static String act(RunAction action, UUID id, String done, RedirectAttributes redirect)
      throws SQLException {
    try {
      action.run();
      redirect.addFlashAttribute("flash", done);
    } catch (ApiProblem problem) {
      if (problem.status().value() == 404) {
        throw problem;
      }
      redirect.addFlashAttribute("flashError", problem.getMessage());
    }
    return "redirect:/workflow-runs/" + id;
  }

  private void fill(UUID org, UUID id, Model model) {
    RunView run = runs.get(org, id);
    WorkflowView w = workflows.get(org, run.workflow(), run.version());
    RunWaterfall waterfall =
        RunWaterfall.of(
            run,
            w.definition(),
            reads.due(id),
            reads.waitingFor(id),
            e -> executions.find(org, e),
            secrets,
            json,
            clock.instant());
    model.addAttribute("run", run);
    model.addAttribute("workflow", w);
    model.addAttribute("waterfall", waterfall);
    model.addAttribute(
        "running",
        java.util.List.of(RunAdvancer.RUNNING, RunConcurrency.QUEUED, RunAdvancer.CANCELLING)
            .contains(run.state()));
    model.addAttribute(
        "retryable",
        RunAdvancer.FAILED.equals(run.state()) || RunAdvancer.CANCELLED.equals(run.state()));
    model.addAttribute(
        "input", json.writerWithDefaultPrettyPrinter().writeValueAsString(run.input()));
  }
}
