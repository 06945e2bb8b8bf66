package eu.runlater.jobs;

import eu.runlater.alerts.AlertSections;
import eu.runlater.alerts.Incidents;
import eu.runlater.engine.SecretBox;
import eu.runlater.executions.Execution;
import eu.runlater.executions.Executions;
import eu.runlater.executions.LiveFeed;
import eu.runlater.hosts.Holds;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import eu.runlater.workflows.WorkflowStarts;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The jobs pages: the list with its quick actions and a job in detail ({@link JobFormPages} has the
 * form). Everything goes through {@link JobCommands} and {@link JobReads}, scoped to the viewer's
 * organization: another organization's job is the 404 page.
 */
@Pages
class JobPages {
  static final int HISTORY_PAGE = 20;
  static final int TIMELINE_BACK = 96;
  static final int TIMELINE_AHEAD = 12;
  static final String SAMPLE_NAME = "Sample: ping example.com";

  private final JobCommands jobs;
  private final JobReads reads;
  private final JobValidator validator;
  private final JobOverviews overviews;
  private final JobTimeline timeline;
  private final Executions executions;
  private final SecretBox secrets;
  private final LiveFeed live;
  private final InstantSource clock;
  private final Holds holds;
  private final AlertSections alerts;
  private final Incidents incidents;
  private final WorkflowStarts starts;

  JobPages(
      JobCommands jobs,
      JobReads reads,
      JobValidator validator,
      JobOverviews overviews,
      JobTimeline timeline,
      Executions executions,
      SecretBox secrets,
      LiveFeed live,
      InstantSource clock,
      Holds holds,
      AlertSections alerts,
      Incidents incidents,
      WorkflowStarts starts) {
    this.starts = starts;
    this.holds = holds;
    this.alerts = alerts;
    this.incidents = incidents;
    this.jobs = jobs;
    this.reads = reads;
    this.validator = validator;
    this.overviews = overviews;
    this.timeline = timeline;
    this.executions = executions;
    this.secrets = secrets;
    this.live = live;
    this.clock = clock;
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
    // One read of the holds for the page: each late row says why it waits.
    Holds.Lookup held = holds.forOrganization(viewer.organizationId());
    model.addAttribute(
        "jobs", result.rows().stream().map(r -> JobView.of(r, secrets, held)).toList());
    model.addAttribute("now", held.now());
    // One read of the open incidents for the page: a failing row shows its badge.
    model.addAttribute(
        "incidents",
        incidents.open(
            viewer.organizationId(),
            "job",
            result.rows().stream().map(r -> r.job().id()).toList()));
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
    model.addAttribute("sample", sample(viewer.organizationId()));
    return htmx != null ? "jobs/list :: results" : "jobs/list";
  }

  private static int pageNumber(String page) {
    try {
      return Integer.parseInt(page.strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** The sample job's schedule: every 5 minutes, or hourly where the tier allows no less. */
  record Sample(String cron, String words) {}

  private Sample sample(UUID organizationId) {
    return reads.tier(organizationId).limits().minCronIntervalSeconds() <= 300
        ? new Sample("*/5 * * * *", "every 5 minutes")
        : new Sample("0 * * * *", "every hour");
  }

  @PostMapping("/jobs/sample")
  String sample(Viewer viewer, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "create jobs");
    Sample sample = sample(viewer.organizationId());
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
            new JobInput.ScheduleInput("cron", null, null, sample.cron(), "UTC"),
            true,
            null,
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
        "flash", "Created a sample job: it calls https://example.com/ " + sample.words() + ".");
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
    Job job = reads.get(viewer.organizationId(), id);
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
    Job job = jobs.setEnabled(viewer.organizationId(), id, enabled);
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
    flash.addFlashAttribute(
        "flash",
        !copy.enabled() && JobCommands.timePassed(copy.schedule(), clock.instant())
            ? "“" + copy.name() + "” created disabled: set its time, then enable it."
            : "Created “" + copy.name() + "”.");
    return "redirect:/jobs/" + copy.id();
  }

  @PostMapping("/jobs/{id}/delete")
  String delete(Viewer viewer, @PathVariable UUID id, RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "delete jobs");
    Job job = reads.get(viewer.organizationId(), id);
    jobs.delete(viewer.organizationId(), id);
    flash.addFlashAttribute(
        "flash", "Deleted “" + job.name() + "”. Its past executions stay in the history.");
    return "redirect:/jobs";
  }

  // ---- Detail

  /**
   * The job's page. With {@code since} (the live region's refresh after an event of the
   * organization) it answers 204, and htmx swaps nothing, unless this job's version moved: an event
   * of another job costs one small query instead of the whole page.
   */
  @GetMapping("/jobs/{id}")
  ModelAndView detail(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) UUID before,
      @RequestParam(required = false) String since,
      Model model) {
    UUID org = viewer.organizationId();
    Instant now = clock.instant();
    if (since != null && overviews.liveUnchanged(org, id, since)) {
      return new ModelAndView((m, request, response) -> response.setStatus(204));
    }
    // Before the queries: a change after this makes the live stream's first event re-fetch, and
    // the live region's next refresh render again.
    model.addAttribute("version", overviews.liveVersion(org, id, now.minus(LiveFeed.WINDOW)));
    model.addAttribute("seen", live.fingerprint(org));
    JobRows.JobWithState row = reads.getWithState(org, id);
    Job job = row.job();
    JobView view = JobView.of(row, secrets, holds.forOrganization(org));
    model.addAttribute("job", view);
    model.addAttribute(
        "latestRun", view.workflow() == null ? null : starts.latestRun(org, id).orElse(null));
    model.addAttribute(
        "workflow",
        view.workflow() == null ? null : starts.choice(org, view.workflow().key()).orElse(null));
    model.addAttribute("now", now);
    model.addAttribute("zone", zoneOf(job.schedule()));
    model.addAttribute("alerts", alerts.of(viewer, "job", id));
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
    Duration[] window = timelineWindow(job.schedule(), now);
    JobTimeline.Timeline plan =
        timeline.timeline(org, id, now.minus(window[0]), now.plus(window[1]));
    model.addAttribute("timeline", plan);
    model.addAttribute("windowBack", Durations.words(window[0]));
    model.addAttribute("windowAhead", Durations.words(window[1]));
    return new ModelAndView("jobs/detail");
  }

  /**
   * How far back and ahead the planned-vs-actual strip looks: a day back and 6 hours ahead, shorter
   * for frequent schedules so that the strip stays around a hundred squares.
   */
  static Duration[] timelineWindow(Schedule schedule, Instant now) {
    Duration back = Duration.ofDays(1);
    Duration ahead = Duration.ofHours(6);
    if (schedule instanceof Schedule.Cron c) {
      Duration interval = c.cron().interval(now, c.zone());
      if (interval.multipliedBy(TIMELINE_BACK).compareTo(back) < 0) {
        back = interval.multipliedBy(TIMELINE_BACK);
      }
      if (interval.multipliedBy(TIMELINE_AHEAD).compareTo(ahead) < 0) {
        ahead = interval.multipliedBy(TIMELINE_AHEAD);
      }
    }
    return new Duration[] {back, ahead};
  }

  private static boolean isV7(UUID id) {
    return id.version() == 7;
  }

  private static String zoneOf(Schedule schedule) {
    return switch (schedule) {
      case Schedule.Cron c -> c.zone().getId();
      case Schedule.Once o -> o.shownIn().getId();
    };
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

  /** Redirects to {@code back} when it is one of the jobs pages, else to {@code fallback}. */
  private static String redirect(String back, String fallback) {
    if (back != null && back.startsWith("/jobs") && !back.contains("//") && !back.contains("\\")) {
      return "redirect:" + back;
    }
    return "redirect:" + fallback;
  }
}
