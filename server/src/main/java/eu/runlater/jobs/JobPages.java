package eu.runlater.jobs;

import eu.runlater.accounts.Permission;
import eu.runlater.accounts.Viewer;
import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.executions.Execution;
import eu.runlater.executions.Executions;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.PageErrors;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The jobs pages: the list with its quick actions, a job in detail, and the form that creates and
 * edits one. Everything goes through the {@link Jobs} service, scoped to the viewer's organization:
 * another organization's job is the 404 page.
 */
@Pages
class JobPages {
  static final int HISTORY_PAGE = 20;
  static final String SAMPLE_NAME = "Sample: ping example.com";

  private final Jobs jobs;
  private final JobValidator validator;
  private final JobOverviews overviews;
  private final JobTimeline timeline;
  private final CronApi cron;
  private final Executions executions;
  private final SecretBox secrets;
  private final InstantSource clock;
  private final JsonMapper json;

  JobPages(
      Jobs jobs,
      JobValidator validator,
      JobOverviews overviews,
      JobTimeline timeline,
      CronApi cron,
      Executions executions,
      SecretBox secrets,
      InstantSource clock,
      JsonMapper json) {
    this.jobs = jobs;
    this.validator = validator;
    this.overviews = overviews;
    this.timeline = timeline;
    this.cron = cron;
    this.executions = executions;
    this.secrets = secrets;
    this.clock = clock;
    this.json = json;
  }

  // ---- List

  @GetMapping("/jobs")
  String list(
      Viewer viewer,
      @RequestParam(defaultValue = "") String q,
      @RequestParam(defaultValue = "") String state,
      @RequestParam(defaultValue = "") String health,
      @RequestParam(defaultValue = "newest") String sort,
      @RequestParam(defaultValue = "1") String page,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      HttpServletRequest request,
      Model model) {
    Boolean enabled =
        switch (state) {
          case "enabled" -> true;
          case "disabled" -> false;
          default -> null;
        };
    String healthFilter = "healthy".equals(health) || "failing".equals(health) ? health : null;
    JobOverviews.Sort order = JobOverviews.Sort.of(sort);
    JobOverviews.Page result =
        overviews.page(
            viewer.organizationId(),
            new JobOverviews.Filter(q, enabled, healthFilter, order),
            pageNumber(page));
    boolean filtered = !q.isBlank() || enabled != null || healthFilter != null;
    model.addAttribute("jobs", result.rows().stream().map(r -> JobView.of(r, secrets)).toList());
    model.addAttribute("result", result);
    model.addAttribute("q", q);
    model.addAttribute("state", enabled == null ? "" : state);
    model.addAttribute("health", healthFilter == null ? "" : healthFilter);
    model.addAttribute("sort", order.code());
    model.addAttribute("filtered", filtered);
    model.addAttribute(
        "here",
        request.getRequestURI()
            + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
    model.addAttribute(
        "firstJob", result.total() == 0 && (!filtered || !overviews.any(viewer.organizationId())));
    return htmx != null ? "jobs/list :: results" : "jobs/list";
  }

  private static int pageNumber(String page) {
    try {
      return Integer.parseInt(page.strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** A malformed id in a path is an id that does not exist. */
  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ModelAndView malformed(HttpServletResponse response) {
    return PageErrors.view(
        HttpStatus.NOT_FOUND, PageException.notFound().getMessage(), null, response);
  }

  @PostMapping("/jobs/sample")
  String sample(Viewer viewer, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "create jobs");
    JobInput input =
        new JobInput(
            SAMPLE_NAME,
            null,
            "https://example.com/",
            "GET",
            null,
            null,
            null,
            null,
            null,
            null,
            new JobInput.ScheduleInput("cron", null, null, "*/5 * * * *", "UTC"),
            true,
            null,
            null);
    Job job;
    try {
      job = jobs.create(viewer.organizationId(), validator.validate(input, clock.instant()));
    } catch (ApiProblem e) {
      flash.addFlashAttribute("flashError", e.getMessage());
      return "redirect:/jobs";
    }
    flash.addFlashAttribute(
        "flash", "Created a sample job: it calls https://example.com/ every 5 minutes.");
    return "redirect:/jobs/" + job.id();
  }

  // ---- Quick actions

  @PostMapping("/jobs/{id}/run")
  String run(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String back,
      RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "run jobs");
    Job job = jobs.get(viewer.organizationId(), id);
    jobs.trigger(viewer.organizationId(), id);
    flash.addFlashAttribute(
        "flash", "Started a run of “" + job.name() + "”; it shows in the history in a moment.");
    return redirect(back, "/jobs/" + id);
  }

  @PostMapping("/jobs/{id}/enable")
  String enable(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String back,
      RedirectAttributes flash) {
    return setEnabled(viewer, id, true, back, flash);
  }

  @PostMapping("/jobs/{id}/disable")
  String disable(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String back,
      RedirectAttributes flash) {
    return setEnabled(viewer, id, false, back, flash);
  }

  private String setEnabled(
      Viewer viewer, UUID id, boolean enabled, String back, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, enabled ? "enable jobs" : "disable jobs");
    Job job = jobs.get(viewer.organizationId(), id);
    JobDraft d = jobs.draftOf(job);
    if (d.enabled() != enabled) {
      jobs.update(
          viewer.organizationId(),
          id,
          new JobDraft(
              d.name(),
              d.key(),
              d.request(),
              d.retries(),
              d.schedule(),
              enabled,
              d.catchUp(),
              d.overlap()));
    }
    flash.addFlashAttribute(
        "flash",
        "“"
            + job.name()
            + "” is "
            + (enabled ? "enabled: its next run is planned." : "disabled: it will not run."));
    return redirect(back, "/jobs/" + id);
  }

  @PostMapping("/jobs/{id}/clone")
  String copy(Viewer viewer, @PathVariable UUID id, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "create jobs");
    Job copy;
    try {
      copy = jobs.copy(viewer.organizationId(), id);
    } catch (ApiProblem e) {
      if (e.status().value() == 404) {
        throw e;
      }
      flash.addFlashAttribute("flashError", e.getMessage());
      return "redirect:/jobs/" + id;
    }
    flash.addFlashAttribute("flash", "Created “" + copy.name() + "”.");
    return "redirect:/jobs/" + copy.id();
  }

  @PostMapping("/jobs/{id}/delete")
  String delete(Viewer viewer, @PathVariable UUID id, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "delete jobs");
    Job job = jobs.get(viewer.organizationId(), id);
    jobs.delete(viewer.organizationId(), id);
    flash.addFlashAttribute(
        "flash", "Deleted “" + job.name() + "”. Its past executions stay in the history.");
    return "redirect:/jobs";
  }

  // ---- Detail

  @GetMapping("/jobs/{id}")
  String detail(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) UUID before,
      Model model) {
    UUID org = viewer.organizationId();
    JobRows.JobWithState row = jobs.getWithState(org, id);
    Job job = row.job();
    Instant now = clock.instant();
    model.addAttribute("job", JobView.of(row, secrets));
    model.addAttribute("zone", zoneOf(job.schedule()));
    model.addAttribute("nextRuns", nextRuns(job, now));
    model.addAttribute("stats", overviews.stats(org, id, now.minus(Duration.ofDays(1))));
    List<JobOverviews.Day> days = overviews.daily(org, id, now, 30);
    model.addAttribute("days", days);
    model.addAttribute("daysWithRuns", days.stream().filter(d -> d.total() > 0).count());
    if (before != null && !isV7(before)) {
      before = null;
    }
    List<Execution> history = executions.listBySource(org, id, null, before, HISTORY_PAGE + 1);
    boolean more = history.size() > HISTORY_PAGE;
    model.addAttribute("history", more ? history.subList(0, HISTORY_PAGE) : history);
    model.addAttribute("older", more ? history.get(HISTORY_PAGE - 1).id() : null);
    model.addAttribute("before", before);
    JobTimeline.Timeline plan =
        timeline.timeline(org, id, now.minus(Duration.ofDays(1)), now.plus(Duration.ofHours(6)));
    model.addAttribute("timeline", plan);
    return "jobs/detail";
  }

  private static boolean isV7(UUID id) {
    return id.version() == 7;
  }

  private static String zoneOf(Schedule schedule) {
    return schedule instanceof Schedule.Cron c ? c.zone().getId() : "UTC";
  }

  private static List<Instant> nextRuns(Job job, Instant now) {
    if (!job.enabled()) {
      return List.of();
    }
    return switch (job.schedule()) {
      case Schedule.Cron c -> c.cron().next(now, c.zone(), 5);
      case Schedule.Once o -> o.at().isAfter(now) ? List.of(o.at()) : List.of();
    };
  }

  // ---- Form

  @GetMapping("/jobs/new")
  String newForm(Viewer viewer, Model model) {
    return form(model, JobForm.blank(), null, List.of());
  }

  @GetMapping("/jobs/{id}/edit")
  String editForm(Viewer viewer, @PathVariable UUID id, Model model) {
    Job job = jobs.get(viewer.organizationId(), id);
    model.addAttribute("jobName", job.name());
    return form(model, JobForm.of(jobs.draftOf(job)), id, List.of());
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
        return form(model, form, null, errors);
      }
      Job job = jobs.create(viewer.organizationId(), draft);
      flash.addFlashAttribute("flash", "Created “" + job.name() + "”.");
      return "redirect:/jobs/" + job.id();
    } catch (ApiProblem e) {
      return form(model, form, null, merge(errors, e));
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
    Job job = jobs.get(viewer.organizationId(), id);
    JobDraft stored = jobs.draftOf(job);
    JobForm form = JobForm.from(request);
    List<FieldError> errors = new ArrayList<>();
    JobInput input = form.toInput(stored, json, errors);
    // An unchanged one-time schedule is kept even when its time has passed.
    Schedule keep = null;
    if (job.schedule() instanceof Schedule.Once once
        && "once".equals(form.scheduleType())
        && once.at()
            .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
            .equals(form.onceInstant())) {
      keep = once;
      input = withoutSchedule(input);
      errors.removeIf(e -> e.field().startsWith("schedule"));
    }
    model.addAttribute("jobName", job.name());
    try {
      JobDraft draft = validator.validate(input, clock.instant(), keep);
      if (!errors.isEmpty()) {
        return form(model, form, id, errors);
      }
      jobs.update(viewer.organizationId(), id, draft);
      flash.addFlashAttribute("flash", "Saved “" + draft.name() + "”.");
      return "redirect:/jobs/" + id;
    } catch (ApiProblem e) {
      if (e.status().value() == 404) {
        throw e;
      }
      return form(model, form, id, merge(errors, e));
    }
  }

  private static JobInput withoutSchedule(JobInput in) {
    return new JobInput(
        in.name(),
        in.key(),
        in.url(),
        in.method(),
        in.headers(),
        in.secretHeaders(),
        in.body(),
        in.secretBody(),
        in.timeoutMs(),
        in.retries(),
        null,
        in.enabled(),
        in.catchUp(),
        in.overlap());
  }

  private static List<FieldError> merge(List<FieldError> mine, ApiProblem problem) {
    List<FieldError> all = new ArrayList<>(mine);
    if (problem.errors().isEmpty()) {
      all.add(new FieldError("", problem.getMessage()));
    } else {
      all.addAll(problem.errors());
    }
    return all;
  }

  private String form(Model model, JobForm form, UUID id, List<FieldError> errors) {
    Map<String, String> byField = new LinkedHashMap<>();
    for (FieldError e : errors) {
      byField.merge(slot(e.field()), message(e), (a, b) -> a + "; " + b);
    }
    model.addAttribute("form", form);
    model.addAttribute("jobId", id);
    model.addAttribute("errors", byField);
    model.addAttribute("errorList", errors.stream().map(JobPages::message).toList());
    model.addAttribute("zones", Zones.ALL);
    model.addAttribute(
        "methods", List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"));
    if ("cron".equals(form.scheduleType()) && !form.cron().isBlank()) {
      preview(form.cron(), form.timezone(), model);
    }
    return "jobs/form";
  }

  /** The form field beside which a validator's error is shown. */
  static String slot(String field) {
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
          case "headers" -> e.field().equals("headers") ? "Headers" : "Header " + e.field();
          default -> {
            String f = slot(e.field()).replace('_', ' ');
            yield Character.toUpperCase(f.charAt(0)) + f.substring(1);
          }
        };
    return label + " " + e.message();
  }

  /** The live cron check: the expression in words and its next runs, or what is wrong. */
  @GetMapping("/jobs/preview")
  String preview(
      Viewer viewer,
      @RequestParam(defaultValue = "") String cron,
      @RequestParam(defaultValue = "UTC") String timezone,
      Model model) {
    preview(cron, timezone, model);
    return "jobs/form :: preview";
  }

  private void preview(String expression, String timezone, Model model) {
    if (expression.isBlank()) {
      model.addAttribute("previewErrors", List.of("Type a cron expression, or pick one below."));
      return;
    }
    try {
      CronApi.Preview p = cron.preview(new CronApi.PreviewRequest(expression.strip(), timezone, 5));
      model.addAttribute("preview", p);
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

  /** Redirects to {@code back} when it is one of the jobs pages, else to {@code fallback}. */
  private static String redirect(String back, String fallback) {
    if (back != null && back.startsWith("/jobs") && !back.contains("//") && !back.contains("\\")) {
      return "redirect:" + back;
    }
    return "redirect:" + fallback;
  }

  /** Every IANA zone, sorted, for the form's searchable selector. */
  static final class Zones {
    static final List<String> ALL = ZoneId.getAvailableZoneIds().stream().sorted().toList();

    private Zones() {}
  }
}
