package eu.runlater.executions;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
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
  private final ExecutionSources sources;
  private final SecretBox secrets;
  private final JsonMapper json;

  ExecutionPages(
      Executions executions,
      ExecutionRetries retries,
      ExecutionSources sources,
      SecretBox secrets,
      JsonMapper json) {
    this.executions = executions;
    this.retries = retries;
    this.sources = sources;
    this.secrets = secrets;
    this.json = json;
  }

  @GetMapping("/executions/{id}")
  String detail(Viewer viewer, @PathVariable UUID id, Model model) {
    UUID org = viewer.organizationId();
    Execution e = executions.get(org, id);
    ExecutionView view = ExecutionView.detail(e, executions.attemptsOf(org, e.taskId()), secrets);
    ExecutionSource.Owner owner = sources.owner(org, e).orElse(null);
    String zone = owner != null ? owner.zone() : "UTC";
    model.addAttribute("execution", view);
    model.addAttribute("job", owner);
    model.addAttribute("zone", zone);
    model.addAttribute("delay", ExecutionDelays.of(view, zone));
    model.addAttribute(
        "requestHeaders", view.request() == null ? List.of() : masked(view.request().headers()));
    model.addAttribute(
        "requestBody", view.request() == null ? null : pretty(view.request().body()));
    model.addAttribute(
        "responseBody", view.response() == null ? null : pretty(view.response().body()));
    model.addAttribute("retryable", owner != null && retries.retryable(e));
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
    return sources
        .owner(viewer.organizationId(), e)
        .map(o -> "redirect:" + o.link() + "#history")
        .orElse("redirect:/executions/" + id);
  }

  /** Shown headers: besides the sealed ones, any whose name looks like a credential is masked. */
  private static List<Header> masked(List<Header> headers) {
    return headers.stream()
        .map(
            h ->
                SealedRequests.maskedWhenShown(h.name())
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
