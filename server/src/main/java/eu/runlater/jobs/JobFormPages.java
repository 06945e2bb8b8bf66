package eu.runlater.jobs;

import eu.runlater.cron.CronPreview;
import eu.runlater.cron.CronSchedule;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.Pages;
import eu.runlater.workflows.WorkflowStarts;
import jakarta.servlet.http.HttpServletRequest;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job form: new and edit, the live cron preview, the JSON check and header rows. A form with
 * mistakes is shown again as it was typed, each message beside its field, and nothing is saved.
 */
@Pages
class JobFormPages {
  private final JobCommands jobs;
  private final JobReads reads;
  private final JobValidator validator;
  private final InstantSource clock;
  private final JsonMapper json;
  private final WorkflowStarts workflows;

  JobFormPages(
      JobCommands jobs,
      JobReads reads,
      JobValidator validator,
      InstantSource clock,
      JsonMapper json,
      WorkflowStarts workflows) {
    this.jobs = jobs;
    this.reads = reads;
    this.validator = validator;
    this.clock = clock;
    this.json = json;
    this.workflows = workflows;
  }

  @GetMapping("/jobs/new")
  String newForm(Viewer viewer, Model model) {
    return form(viewer, model, JobForm.blank(), null, List.of());
  }

  @GetMapping("/jobs/{id}/edit")
  String editForm(Viewer viewer, @PathVariable UUID id, Model model) {
    Job job = reads.get(viewer.organizationId(), id);
    model.addAttribute("jobName", job.name());
    return form(viewer, model, JobForm.of(reads.draftOf(job), json), id, List.of());
  }

  @PostMapping("/jobs")
  String create(Viewer viewer, HttpServletRequest request, Model model, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "create jobs");
    JobForm form = JobForm.from(request);
    List<FieldError> errors = new ArrayList<>();
    JobInput input = form.toInput(null, json, errors);
    try {
      JobDraft draft = validator.validate(input, clock.instant());
      if (!errors.isEmpty()) {
        return form(viewer, model, form, null, errors);
      }
      Job job = jobs.create(viewer.organizationId(), draft);
      flash.addFlashAttribute("flash", "Created “" + job.name() + "”.");
      return "redirect:/jobs/" + job.id();
    } catch (ApiProblem e) {
      return form(viewer, model, form, null, merge(errors, e));
    }
  }

  @PostMapping("/jobs/{id}")
  String update(
      Viewer viewer,
      @PathVariable UUID id,
      HttpServletRequest request,
      Model model,
      RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "edit jobs");
    Job job = reads.get(viewer.organizationId(), id);
    JobDraft stored = reads.draftOf(job);
    JobForm form = JobForm.from(request);
    List<FieldError> errors = new ArrayList<>();
    JobInput input = form.toInput(stored, json, errors);
    // An unchanged one-time schedule is kept even when its time has passed.
    Schedule keep = null;
    if (job.schedule() instanceof Schedule.Once once && form.namesSameTime(once)) {
      keep = once;
      input = input.withSchedule(null);
      errors.removeIf(e -> e.field().startsWith("schedule"));
    }
    model.addAttribute("jobName", job.name());
    try {
      JobDraft draft = validator.validate(input, clock.instant(), keep);
      if (!form.workflowTarget()) {
        // A workflow target carries no header or body of the stored request: nothing to move.
        errors.addAll(CarriedSecrets.byForm(job, stored, form, draft));
      }
      if (!errors.isEmpty()) {
        return form(viewer, model, form, id, errors);
      }
      jobs.update(viewer.organizationId(), id, draft);
      flash.addFlashAttribute("flash", "Saved “" + draft.name() + "”.");
      return "redirect:/jobs/" + id;
    } catch (ApiProblem e) {
      if (e.status().value() == 404) {
        throw e;
      }
      return form(viewer, model, form, id, merge(errors, e));
    }
  }

  private static List<FieldError> merge(List<FieldError> mine, ApiProblem problem) {
    List<FieldError> all = new ArrayList<>(mine);
    if (!problem.errors().isEmpty()) {
      // A one-time date or zone the form could not read reaches the validator as no time at all;
      // its "give exactly one of 'at' and 'delay'" would repeat the form's error in the API's
      // words.
      boolean timeUnread =
          mine.stream()
              .anyMatch(
                  e -> e.field().equals("schedule.at") || e.field().equals("schedule.timezone"));
      problem.errors().stream()
          .filter(e -> !(timeUnread && e.field().equals("schedule")))
          .forEach(all::add);
    } else if (problem.status() == HttpStatus.CONFLICT
        && problem.toProblemDetail().getType().toString().endsWith("duplicate-key")) {
      all.add(new FieldError("key", "is already used by another job; choose another"));
    } else {
      all.add(new FieldError("", problem.getMessage()));
    }
    return all;
  }

  private String form(Viewer viewer, Model model, JobForm form, UUID id, List<FieldError> errors) {
    Map<String, String> byField = new LinkedHashMap<>();
    for (FieldError e : errors) {
      byField.merge(slot(e.field()), message(e), (a, b) -> a + "; " + b);
    }
    model.addAttribute("form", form);
    model.addAttribute("jobId", id);
    model.addAttribute("errors", byField);
    model.addAttribute("errorList", errors.stream().map(JobFormPages::message).toList());
    model.addAttribute("zones", Zones.ALL);
    model.addAttribute("workflows", workflowChoices(viewer, form));
    model.addAttribute(
        "methods", List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"));
    // The preview repeats a cron error; show it once, beside the field.
    if ("cron".equals(form.scheduleType())
        && !form.cron().isBlank()
        && !byField.containsKey("cron")
        && !byField.containsKey("timezone")) {
      showPreview(viewer, form.cron(), form.timezone(), model);
    }
    return "jobs/form";
  }

  /**
   * The workflows the form offers: those not archived, and the one the form names if it was
   * archived since (so that editing the job shows its target rather than another).
   */
  private List<WorkflowStarts.Choice> workflowChoices(Viewer viewer, JobForm form) {
    List<WorkflowStarts.Choice> choices = workflows.choices(viewer.organizationId());
    String named = form.workflowKey();
    if (!named.isEmpty() && choices.stream().noneMatch(c -> c.key().equals(named))) {
      List<WorkflowStarts.Choice> all = new ArrayList<>(choices);
      workflows.choice(viewer.organizationId(), named).ifPresent(c -> all.addFirst(c));
      return all;
    }
    return choices;
  }

  /** The form field beside which a validator's error is shown. */
  static String slot(String field) {
    if (field.equals("workflow.key")) {
      return "workflowKey";
    }
    if (field.startsWith("workflow.input")) {
      return "workflowInput";
    }
    return switch (field) {
      case "name", "key", "url", "method", "body", "retries", "timeout_ms", "catch_up", "overlap" ->
          field;
      case "schedule.expression" -> "cron";
      case "schedule.timezone" -> "timezone";
      case "schedule.at", "schedule.delay" -> "at";
      case "schedule", "schedule.type" -> "schedule";
      case "" -> "form";
      default -> "headers";
    };
  }

  private static String message(FieldError e) {
    if (e.field().isEmpty()) {
      return e.message();
    }
    String label =
        switch (slot(e.field())) {
          case "cron" -> "Cron expression";
          case "timezone" -> "Time zone";
          case "at" -> "Run at";
          case "timeout_ms" -> "Timeout";
          case "catch_up" -> "Catch-up";
          case "workflowKey" -> "Workflow";
          case "workflowInput" ->
              e.field().length() > "workflow.input/".length()
                  ? "Input " + e.field().substring("workflow.input".length())
                  : "Input";
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

  /**
   * The live cron check: the expression in words and its next runs, or what is wrong — including
   * what the organization's tier would refuse on save. A zone still being typed is not an error
   * here: a unique match ("oslo") is used and named, anything else waits for the submit.
   */
  @GetMapping("/jobs/preview")
  String preview(
      Viewer viewer,
      @RequestParam(defaultValue = "") String cron,
      @RequestParam(defaultValue = "UTC") String timezone,
      Model model) {
    String zone = Zones.match(timezone);
    if (zone == null) {
      model.addAttribute("zoneTyping", timezone.strip());
      zone = "UTC";
    } else if (!zone.equalsIgnoreCase(timezone.strip())) {
      model.addAttribute("zoneMatched", zone);
    }
    showPreview(viewer, cron, zone, model);
    return "jobs/form :: preview";
  }

  private void showPreview(Viewer viewer, String expression, String timezone, Model model) {
    if (expression.isBlank()) {
      return;
    }
    try {
      CronPreview p = CronPreview.of(expression.strip(), timezone, 5, clock.instant());
      model.addAttribute("preview", p);
      String refused =
          JobCommands.intervalProblem(
              new Schedule.Cron(CronSchedule.parse(p.expression()), ZoneId.of(p.timezone())),
              reads.tier(viewer.organizationId()),
              clock.instant());
      if (refused != null) {
        model.addAttribute("previewErrors", List.of(refused));
      }
    } catch (ApiProblem e) {
      model.addAttribute(
          "previewErrors",
          e.errors().stream()
              .map(
                  f ->
                      ("timezone".equals(f.field()) ? "Time zone " : "Cron expression ")
                          + f.message())
              .toList());
    }
  }

  /** The body's JSON check, as you type. */
  @PostMapping("/jobs/body-check")
  String bodyCheck(
      Viewer viewer,
      @RequestParam(defaultValue = "") String body,
      @RequestParam(defaultValue = "json") String bodyFormat,
      Model model) {
    String problem = null;
    if ("json".equals(bodyFormat)
        && !body.isBlank()
        && !body.equals(eu.runlater.engine.SealedRequests.MASK)) {
      String wrong = JobForm.jsonProblem(body, json);
      problem = wrong == null ? null : "Body " + wrong;
    }
    model.addAttribute("bodyProblem", problem);
    model.addAttribute("bodyOk", problem == null && "json".equals(bodyFormat) && !body.isBlank());
    return "jobs/form :: body-check";
  }

  /** One more empty header row. */
  @GetMapping("/jobs/header-row")
  String headerRow(Viewer viewer, Model model) {
    model.addAttribute("row", new JobForm.HeaderRow("", ""));
    return "jobs/form :: header-row";
  }

  /** Every IANA zone, sorted, for the form's searchable selector, and what a typed name means. */
  static final class Zones {
    static final List<String> ALL = ZoneId.getAvailableZoneIds().stream().sorted().toList();

    private Zones() {}

    /**
     * The zone a person means by {@code typed}: its id in any case, or the one zone whose city is
     * that name ("oslo", "new york" → America/New_York); null when there is none or several. Blank
     * is UTC.
     */
    static String match(String typed) {
      String wanted = typed == null ? "" : typed.strip();
      if (wanted.isEmpty()) {
        return "UTC";
      }
      String city = squash(wanted);
      String found = null;
      for (String id : ALL) {
        if (id.equalsIgnoreCase(wanted)) {
          return id;
        }
        if (squash(id.substring(id.lastIndexOf('/') + 1)).equals(city)) {
          if (found != null) {
            return null;
          }
          found = id;
        }
      }
      return found;
    }

    private static String squash(String name) {
      return name.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ').strip();
    }
  }
}
