package eu.runlater.workflows;

import eu.runlater.alerts.AlertSections;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workflow pages: the list of definitions with their runs of the last day, and one workflow:
 * its steps in layers (and as JSON), its versions, its runs by state, and a form that starts a run
 * (the input is checked as the API checks it; a 422 shows beside the form, the input kept).
 */
@Pages
class WorkflowPages {
  static final int PAGE_SIZE = 50;
  static final Duration RECENT = Duration.ofHours(24);
  static final List<String> STATES =
      List.of("queued", "running", "cancelling", "succeeded", "failed", "cancelled");

  private final WorkflowCommands workflows;
  private final RunCommands runs;
  private final WorkflowPageReads reads;
  private final JsonMapper json;
  private final InstantSource clock;
  private final AlertSections alerts;

  WorkflowPages(
      WorkflowCommands workflows,
      RunCommands runs,
      WorkflowPageReads reads,
      JsonMapper json,
      InstantSource clock,
      AlertSections alerts) {
    this.alerts = alerts;
    this.workflows = workflows;
    this.runs = runs;
    this.reads = reads;
    this.json = json;
    this.clock = clock;
  }

  /** A workflow on the list: its current version, its step count and its recent runs. */
  record ListRow(WorkflowView w, int steps, WorkflowPageReads.RunSummary runs) {}

  @GetMapping("/workflows")
  String list(Viewer viewer, @RequestParam(required = false) String cursor, Model model) {
    UUID org = viewer.organizationId();
    UUID after = cursor(cursor);
    List<WorkflowCommands.Row> rows = workflows.list(org, false, after, PAGE_SIZE + 1);
    boolean more = rows.size() > PAGE_SIZE;
    List<WorkflowCommands.Row> page = more ? rows.subList(0, PAGE_SIZE) : rows;
    Map<UUID, WorkflowPageReads.RunSummary> summaries =
        reads.summaries(
            org,
            page.stream().map(WorkflowCommands.Row::id).toList(),
            clock.instant().minus(RECENT));
    model.addAttribute(
        "workflows",
        page.stream()
            .map(workflows::view)
            .map(
                w ->
                    new ListRow(
                        w,
                        w.definition().path("steps").size(),
                        summaries.getOrDefault(w.id(), WorkflowPageReads.RunSummary.NONE)))
            .toList());
    model.addAttribute("older", after != null);
    model.addAttribute("next", more ? page.getLast().id().toString() : null);
    return "workflows/list";
  }

  @GetMapping("/workflows/{key}")
  String workflow(
      Viewer viewer,
      @PathVariable String key,
      @RequestParam(required = false) Integer version,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String cursor,
      Model model) {
    fill(viewer.organizationId(), key, version, state, cursor, model);
    alerts(viewer, model);
    return "workflows/workflow";
  }

  @PostMapping("/workflows/{key}/runs")
  String start(
      Viewer viewer,
      @PathVariable String key,
      @RequestParam(defaultValue = "") String input,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect)
      throws SQLException {
    viewer.require(Permission.OPERATE, "start workflow runs");
    UUID org = viewer.organizationId();
    List<FieldError> errors;
    try {
      JsonNode given = input.isBlank() ? null : json.readTree(input);
      RunView run = runs.start(org, key, given, null, viewer.user().id());
      redirect.addFlashAttribute("flash", "Started a run of " + key + ".");
      return "redirect:/workflow-runs/" + run.id();
    } catch (JacksonException notJson) {
      errors =
          List.of(
              new FieldError(
                  "input",
                  "is not JSON: " + notJson.getOriginalMessage().lines().findFirst().orElse("")));
    } catch (ApiProblem problem) {
      if (problem.status().value() == 404) {
        throw problem;
      }
      errors =
          problem.errors().isEmpty()
              ? List.of(new FieldError("input", problem.getMessage()))
              : problem.errors();
    }
    response.setStatus(422);
    model.addAttribute("startErrors", errors);
    model.addAttribute("startInput", input);
    fill(org, key, null, null, null, model);
    alerts(viewer, model);
    return "workflows/workflow";
  }

  /** Its alert rule and open incident, as a job's page has them. */
  private void alerts(Viewer viewer, Model model) {
    WorkflowView w = (WorkflowView) model.getAttribute("workflow");
    model.addAttribute("alerts", alerts.of(viewer, WorkflowAlertSubjects.KIND, w.id()));
  }

  private void fill(
      UUID org, String key, Integer version, String state, String cursor, Model model) {
    WorkflowView w = workflows.get(org, key, version);
    String chosen = state != null && STATES.contains(state) ? state : null;
    UUID after = cursor(cursor);
    List<RunCommands.RunRow> rows = runs.list(org, key, chosen, after, PAGE_SIZE + 1);
    boolean more = rows.size() > PAGE_SIZE;
    List<RunCommands.RunRow> page = more ? rows.subList(0, PAGE_SIZE) : rows;
    model.addAttribute("workflow", w);
    model.addAttribute("outline", WorkflowOutline.of(w.definition()));
    model.addAttribute(
        "definitionJson", json.writerWithDefaultPrettyPrinter().writeValueAsString(w.definition()));
    model.addAttribute("versions", reads.versions(org, w.id()));
    model.addAttribute("runs", page.stream().map(r -> runs.view(r)).toList());
    model.addAttribute("state", chosen);
    model.addAttribute("states", STATES);
    model.addAttribute("older", after != null);
    model.addAttribute(
        "olderUrl",
        more
            ? "/workflows/"
                + key
                + "?"
                + (chosen == null ? "" : "state=" + chosen + "&")
                + "cursor="
                + page.getLast().id()
            : null);
    model.addAttribute(
        "newestUrl", "/workflows/" + key + (chosen == null ? "" : "?state=" + chosen));
    if (!model.containsAttribute("startInput")) {
      model.addAttribute("startInput", "{}");
    }
    model.addAttribute("inputSchema", pretty(w.definition().get("input_schema")));
  }

  private String pretty(JsonNode node) {
    return node == null || node.isNull()
        ? null
        : json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }

  static UUID cursor(String cursor) {
    try {
      return cursor == null || cursor.isBlank() ? null : UUID.fromString(cursor.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
