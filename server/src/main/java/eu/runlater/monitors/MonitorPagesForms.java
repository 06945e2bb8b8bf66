package eu.runlater.monitors;

import eu.runlater.engine.SecretBox;
import eu.runlater.organizations.Caps;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitor form (new and edit, heartbeat and uptime) and the actions: pause, resume, delete. A
 * form with mistakes is shown again as it was typed, each message beside its field, and nothing is
 * saved. Everything goes through {@link MonitorValidator} and {@link MonitorCommands}, as the API.
 */
@Pages
class MonitorPagesForms {
  private final MonitorCommands commands;
  private final MonitorReads reads;
  private final MonitorValidator validator;
  private final SecretBox secrets;
  private final JsonMapper json;
  private final Caps caps;

  MonitorPagesForms(
      MonitorCommands commands,
      MonitorReads reads,
      MonitorValidator validator,
      SecretBox secrets,
      JsonMapper json,
      Caps caps) {
    this.caps = caps;
    this.commands = commands;
    this.reads = reads;
    this.validator = validator;
    this.secrets = secrets;
    this.json = json;
  }

  @GetMapping("/monitors/new")
  String newForm(
      Viewer viewer, @RequestParam(defaultValue = "heartbeat") String kind, Model model) {
    return form(viewer, model, MonitorPagesForm.blank(kind), null, List.of());
  }

  @GetMapping("/monitors/{id}/edit")
  String editForm(Viewer viewer, @PathVariable UUID id, Model model) {
    Monitor m = reads.get(viewer.organizationId(), id);
    model.addAttribute("monitorName", m.name());
    return form(
        viewer,
        model,
        MonitorPagesForm.of(m, MonitorView.patchTarget(m, secrets, json)),
        id,
        List.of());
  }

  @PostMapping("/monitors")
  String create(Viewer viewer, HttpServletRequest request, Model model, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "create monitors");
    UUID org = viewer.organizationId();
    MonitorPagesForm form = MonitorPagesForm.from(request);
    List<FieldError> errors = new ArrayList<>();
    MonitorInput input = form.toInput(null, errors);
    try {
      MonitorDraft draft = validator.validate(input, reads.tier(org));
      if (!errors.isEmpty()) {
        return form(viewer, model, form, null, errors);
      }
      Monitor m = commands.create(org, draft);
      flash.addFlashAttribute(
          "flash",
          "Created “"
              + m.name()
              + "”."
              + (m.heartbeat()
                  ? " Ping its URL (below) when your job runs."
                  : " Its first check runs in a moment."));
      return "redirect:/monitors/" + m.id();
    } catch (ApiProblem e) {
      return form(viewer, model, form, null, merge(errors, e));
    }
  }

  @PostMapping("/monitors/{id}")
  String update(
      Viewer viewer,
      @PathVariable UUID id,
      HttpServletRequest request,
      Model model,
      RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "edit monitors");
    UUID org = viewer.organizationId();
    Monitor current = reads.get(org, id);
    model.addAttribute("monitorName", current.name());
    MonitorPagesForm form = MonitorPagesForm.from(request);
    // The kind is fixed once created: the form cannot change it.
    if (!form.kind().equals(current.kind())) {
      form = withKind(form, current.kind());
    }
    JsonNode stored = MonitorView.patchTarget(current, secrets, json);
    List<FieldError> errors = new ArrayList<>();
    MonitorInput input = form.toInput(stored, errors);
    try {
      MonitorDraft draft = validator.validate(input, reads.tier(org));
      if (!errors.isEmpty()) {
        return form(viewer, model, form, id, errors);
      }
      commands.update(org, id, draft);
      flash.addFlashAttribute("flash", "Saved “" + draft.name() + "”.");
      return "redirect:/monitors/" + id;
    } catch (ApiProblem e) {
      if (e.status().value() == 404) {
        throw e;
      }
      return form(viewer, model, form, id, merge(errors, e));
    }
  }

  private static MonitorPagesForm withKind(MonitorPagesForm f, String kind) {
    return new MonitorPagesForm(
        kind,
        f.name(),
        f.tags(),
        f.slug(),
        f.every(),
        f.period(),
        f.cron(),
        f.timezone(),
        f.grace(),
        f.maxRuntime(),
        f.url(),
        f.method(),
        f.headers(),
        f.body(),
        f.expectedStatuses(),
        f.keyword(),
        f.keywordMode(),
        f.maxResponseMs(),
        f.followRedirects(),
        f.interval(),
        f.timeout(),
        f.confirmations(),
        f.tlsExpiryDays());
  }

  @PostMapping("/monitors/{id}/pause")
  String pause(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String back,
      RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "pause monitors");
    Monitor m = commands.pause(viewer.organizationId(), id, "the dashboard");
    flash.addFlashAttribute(
        "flash", "Paused “" + m.name() + "”: no alerts and no checks until it is resumed.");
    return redirect(back, id);
  }

  @PostMapping("/monitors/{id}/resume")
  String resume(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String back,
      RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "resume monitors");
    Monitor m = commands.resume(viewer.organizationId(), id, "the dashboard");
    flash.addFlashAttribute(
        "flash",
        "Resumed “"
            + m.name()
            + "”: "
            + (m.heartbeat() ? "it is up again at its next ping." : "it is checked now."));
    return redirect(back, id);
  }

  @PostMapping("/monitors/{id}/delete")
  String delete(Viewer viewer, @PathVariable UUID id, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "delete monitors");
    Monitor m = reads.get(viewer.organizationId(), id);
    commands.delete(viewer.organizationId(), id);
    flash.addFlashAttribute("flash", "Deleted “" + m.name() + "”.");
    return "redirect:/monitors";
  }

  /** One more empty header row. */
  @GetMapping("/monitors/header-row")
  String headerRow(Viewer viewer, Model model) {
    model.addAttribute("row", new MonitorPagesForm.HeaderRow("", ""));
    model.addAttribute("errors", Map.of());
    return "monitors/form :: header-row";
  }

  /** Back to the list when the action came from it, else to the monitor's page. */
  private static String redirect(String back, UUID id) {
    return "/monitors".equals(back) ? "redirect:/monitors" : "redirect:/monitors/" + id;
  }

  private static List<FieldError> merge(List<FieldError> mine, ApiProblem problem) {
    List<FieldError> all = new ArrayList<>(mine);
    if (!problem.errors().isEmpty()) {
      all.addAll(problem.errors());
    } else {
      all.add(new FieldError("", problem.getMessage()));
    }
    return all;
  }

  private String form(
      Viewer viewer, Model model, MonitorPagesForm form, UUID id, List<FieldError> errors) {
    Map<String, String> byField = new LinkedHashMap<>();
    for (FieldError e : errors) {
      byField.merge(slot(e.field()), message(e), (a, b) -> a + "; " + b);
    }
    model.addAttribute("form", form);
    model.addAttribute("monitorId", id);
    model.addAttribute("errors", byField);
    model.addAttribute("errorList", errors.stream().map(MonitorPagesForms::message).toList());
    model.addAttribute(
        "methods", List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
    model.addAttribute("zones", ZONES);
    // The tier's shortest check interval, for the interval's hint.
    model.addAttribute(
        "shortest",
        MonitorPagesView.span(
            caps.of(reads.tier(viewer.organizationId())).minCheckInterval().toSeconds()));
    return "monitors/form";
  }

  static final List<String> ZONES =
      java.time.ZoneId.getAvailableZoneIds().stream().sorted().toList();

  /** The form field beside which an error is shown. */
  static String slot(String field) {
    if (field.startsWith("headers") || field.equals("secret_headers")) {
      return "headers";
    }
    return field.isEmpty() ? "form" : field;
  }

  private static String message(FieldError e) {
    if (e.field().isEmpty()) {
      return e.message();
    }
    String label =
        switch (slot(e.field())) {
          case "max_runtime" -> "Max run time";
          case "max_response_ms" -> "Slowest allowed response";
          case "expected_statuses" -> "Expected status";
          case "tls_expiry_days" -> "Certificate warning";
          case "keyword_absent" -> "Keyword";
          case "timezone" -> "Time zone";
          case "url" -> "URL";
          case "cron" -> "Cron expression";
          case "confirmations" -> "Failed checks before down";
          case "headers" ->
              e.field().startsWith("headers.")
                  ? "Header “" + e.field().substring("headers.".length()) + "”"
                  : "Headers";
          default -> {
            String f = slot(e.field()).replace('_', ' ');
            yield Character.toUpperCase(f.charAt(0)) + f.substring(1);
          }
        };
    return label + " " + e.message();
  }
}
