package eu.runlater.executions;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.jobs.Job;
import eu.runlater.jobs.Jobs;
import eu.runlater.jobs.Schedule;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import java.util.List;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One execution in detail: its timing, the request as sent (secrets masked), the response, and
 * every attempt of the same run; and sending it again. Another organization's execution is the 404
 * page.
 */
@Pages
class ExecutionPages {
  private final Executions executions;
  private final ExecutionRetries retries;
  private final Jobs jobs;
  private final SecretBox secrets;
  private final JsonMapper json;

  ExecutionPages(
      Executions executions,
      ExecutionRetries retries,
      Jobs jobs,
      SecretBox secrets,
      JsonMapper json) {
    this.executions = executions;
    this.retries = retries;
    this.jobs = jobs;
    this.secrets = secrets;
    this.json = json;
  }

  @GetMapping("/executions/{id}")
  String detail(Viewer viewer, @PathVariable UUID id, Model model) {
    UUID org = viewer.organizationId();
    Execution e = executions.get(org, id);
    ExecutionView view = ExecutionView.detail(e, executions.attemptsOf(org, e.taskId()), secrets);
    Job job = view.jobId() == null ? null : jobs.find(org, view.jobId()).orElse(null);
    model.addAttribute("execution", view);
    model.addAttribute("job", job);
    model.addAttribute(
        "zone",
        job != null && job.schedule() instanceof Schedule.Cron c ? c.zone().getId() : "UTC");
    model.addAttribute(
        "requestHeaders", view.request() == null ? List.of() : masked(view.request().headers()));
    model.addAttribute(
        "requestBody", view.request() == null ? null : pretty(view.request().body()));
    model.addAttribute(
        "responseBody", view.response() == null ? null : pretty(view.response().body()));
    model.addAttribute("retryable", job != null && ExecutionRetries.retryable(e));
    return "executions/detail";
  }

  @PostMapping("/executions/{id}/retry")
  String retry(Viewer viewer, @PathVariable UUID id, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "retry executions");
    try {
      retries.retry(viewer.organizationId(), id);
    } catch (ApiProblem e) {
      if (e.status().value() == 404) {
        throw e;
      }
      flash.addFlashAttribute("flashError", e.getMessage());
      return "redirect:/executions/" + id;
    }
    Execution e = executions.get(viewer.organizationId(), id);
    flash.addFlashAttribute(
        "flash", "Sent the request again; the new run shows in the history in a moment.");
    return "redirect:/jobs/" + e.sourceId() + "#history";
  }

  /** Shown headers: besides the sealed ones, any whose name looks like a credential is masked. */
  private static List<Header> masked(List<Header> headers) {
    return headers.stream()
        .map(
            h ->
                SealedRequests.looksSecret(h.name())
                        && !h.name().toLowerCase(java.util.Locale.ROOT).startsWith("webhook-")
                    ? new Header(h.name(), SealedRequests.MASK)
                    : h)
        .toList();
  }

  /** A body as text: JSON indented when it parses as an object or array, else as it is. */
  String pretty(String body) {
    if (body == null) {
      return null;
    }
    String trimmed = body.strip();
    if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
      return body;
    }
    try {
      JsonNode node = json.readTree(trimmed);
      return json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JacksonException notJson) {
      return body;
    }
  }
}
