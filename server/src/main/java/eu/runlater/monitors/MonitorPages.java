package eu.runlater.monitors;

import eu.runlater.alerts.AlertSections;
import eu.runlater.alerts.Incidents;
import eu.runlater.cron.CronSchedule;
import eu.runlater.engine.SecretBox;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.web.Pages;
import eu.runlater.platform.web.PublicUrl;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The monitors' pages: the list (state, last ping or check, next expected, uptime) and a monitor in
 * detail (its timeline, pings or checks, response times, outages, planned vs actual, alerts).
 * {@link MonitorPagesForms} has the form and the actions. Scoped to the viewer's organization:
 * another organization's monitor is the 404 page.
 */
@Pages
class MonitorPages {
  static final int PINGS_PAGE = 20;
  static final int EVENTS_SHOWN = 50;
  static final int CHECKS_SHOWN = 20;
  static final Duration CHART_WINDOW = Duration.ofHours(48);
  static final Duration OUTAGES_WINDOW = Duration.ofDays(90);
  static final List<String> STATES = List.of("down", "late", "up", "new", "paused");

  private final MonitorPagesReads reads;
  private final AlertSections alerts;
  private final Incidents incidents;
  private final PublicUrl publicUrl;
  private final InstantSource clock;
  private final MonitorReads monitors;
  private final SecretBox secrets;
  private final CheckStats stats;

  MonitorPages(
      MonitorPagesReads reads,
      CheckStats stats,
      MonitorReads monitors,
      SecretBox secrets,
      AlertSections alerts,
      Incidents incidents,
      PublicUrl publicUrl,
      InstantSource clock) {
    this.reads = reads;
    this.stats = stats;
    this.monitors = monitors;
    this.secrets = secrets;
    this.alerts = alerts;
    this.incidents = incidents;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** A row of the list: the monitor, its words, its uptime over 30 days. */
  record ListRow(
      MonitorPagesReads.Row m, String schedule, String target, Double uptime30, Double uptime24) {}

  @GetMapping("/monitors")
  String list(
      Viewer viewer,
      @RequestParam(defaultValue = "") String q,
      @RequestParam(defaultValue = "") String state,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      Model model) {
    UUID org = viewer.organizationId();
    Instant now = clock.instant();
    String stateFilter = STATES.contains(state) ? state : "";
    List<MonitorPagesReads.Row> rows = reads.list(org, q, stateFilter);
    Map<UUID, MonitorPagesReads.Uptime> month = reads.uptime(org, null, now, Duration.ofDays(30));
    Map<UUID, MonitorPagesReads.Uptime> day = reads.uptime(org, null, now, Duration.ofDays(1));
    model.addAttribute(
        "monitors",
        rows.stream()
            .map(
                r ->
                    new ListRow(
                        r,
                        MonitorPagesView.schedule(r),
                        MonitorPagesView.target(r),
                        percent(month.get(r.id())),
                        percent(day.get(r.id()))))
            .toList());
    Map<String, Long> counts = reads.countByState(org);
    Map<String, Long> ordered = new LinkedHashMap<>();
    STATES.forEach(s -> ordered.put(s, counts.getOrDefault(s, 0L)));
    model.addAttribute("counts", ordered);
    model.addAttribute("total", counts.values().stream().mapToLong(Long::longValue).sum());
    model.addAttribute(
        "incidents", incidents.open(org, "monitor", rows.stream().map(r -> r.id()).toList()));
    model.addAttribute("now", now);
    model.addAttribute("q", q);
    model.addAttribute("state", stateFilter);
    model.addAttribute("filtered", !q.isBlank() || !stateFilter.isEmpty());
    model.addAttribute("limited", rows.size() >= MonitorPagesReads.LIST_LIMIT);
    model.addAttribute("view", Helpers.INSTANCE);
    return htmx != null ? "monitors/list :: results" : "monitors/list";
  }

  private static Double percent(MonitorPagesReads.Uptime u) {
    return u == null ? null : u.percent();
  }

  /** A span the monitor was down: when, how long, why. {@code to} null while it still is. */
  record Outage(Instant from, Instant to, long seconds, String reason, String recovery) {}

  @GetMapping("/monitors/{id}")
  String detail(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String before,
      Model model) {
    UUID org = viewer.organizationId();
    Instant now = clock.instant();
    MonitorPagesReads.Row m = reads.get(org, id);
    model.addAttribute("m", m);
    model.addAttribute("now", now);
    model.addAttribute("view", Helpers.INSTANCE);
    model.addAttribute("schedule", MonitorPagesView.schedule(m));
    model.addAttribute("target", MonitorPagesView.target(m));
    model.addAttribute("zone", m.timeZone() == null ? "UTC" : m.timeZone());
    model.addAttribute("alerts", alerts.of(viewer, "monitor", id));

    // Uptime over the four windows, named as the page says them.
    Map<String, Double> uptime = new LinkedHashMap<>();
    stats
        .uptime(id, now)
        .forEach(
            (window, percent) ->
                uptime.put(
                    switch (window) {
                      case "24h" -> "24 hours";
                      case "7d" -> "7 days";
                      case "30d" -> "30 days";
                      default -> "90 days";
                    },
                    percent));
    model.addAttribute("uptime", uptime);

    // How to ping it, and its badge.
    if (m.heartbeat()) {
      model.addAttribute("pingUrl", publicUrl.of("/ping/" + m.pingToken()));
      String key = m.slug() == null ? null : reads.pingKey(org);
      model.addAttribute(
          "slugUrl", key == null ? null : publicUrl.of("/ping/" + key + "/" + m.slug()));
    }
    model.addAttribute("badgeUrl", publicUrl.of("/badge/" + m.badgeKey() + ".svg"));
    if ("http".equals(m.kind())) {
      // Secret values masked, as the API shows them.
      var headers =
          MonitorView.of(monitors.get(org, id), secrets, publicUrl.base(), null).headers();
      model.addAttribute("headers", headers == null ? java.util.Map.of() : headers);
    } else {
      model.addAttribute("headers", java.util.Map.of());
    }

    // The timeline, outages and planned vs actual.
    model.addAttribute("events", reads.events(id, EVENTS_SHOWN));
    List<MonitorPagesReads.Event> history = reads.eventsSince(id, now.minus(OUTAGES_WINDOW));
    model.addAttribute("outages", outages(history));
    strip(m, now, history, model);

    if (m.heartbeat()) {
      Instant cursor = parse(before);
      List<MonitorPagesReads.Ping> pings = reads.pings(id, cursor, PINGS_PAGE + 1);
      boolean more = pings.size() > PINGS_PAGE;
      List<MonitorPagesReads.Ping> shown = more ? pings.subList(0, PINGS_PAGE) : pings;
      model.addAttribute("pings", shown);
      model.addAttribute("older", more ? shown.getLast().receivedAt().toString() : null);
      model.addAttribute("before", cursor);
    } else {
      model.addAttribute("checks", stats.recent(id, CHECKS_SHOWN));
      Instant to = now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1));
      Instant from = to.minus(CHART_WINDOW);
      model.addAttribute("chart", MonitorPagesView.chart(stats.hourly(id, from), from, to));
    }
    return "monitors/detail";
  }

  private void strip(
      MonitorPagesReads.Row m, Instant now, List<MonitorPagesReads.Event> history, Model model) {
    MonitorPagesStrip.Plan plan = plan(m);
    if (plan == null) {
      return;
    }
    Duration[] window = MonitorPagesStrip.window(plan, now);
    Instant from = now.minus(window[0]);
    Instant to = now.plus(window[1]);
    List<MonitorPagesStrip.Signal> signals =
        m.heartbeat()
            ? reads.pingsBetween(m.id(), from, to, 5_000)
            : reads.checksBetween(m.id(), from, to, 5_000).stream()
                .map(
                    c ->
                        new MonitorPagesStrip.Signal(
                            c.checkedAt(),
                            c.ok()
                                ? MonitorPagesStrip.Signal.Kind.OK
                                : MonitorPagesStrip.Signal.Kind.FAIL,
                            c.statusCode() != null
                                ? "HTTP " + c.statusCode()
                                : (c.ok() ? "passed" : "failed"),
                            c.durationMs() == null ? null : c.durationMs().longValue()))
                .toList();
    List<MonitorPagesStrip.Entry> entries =
        MonitorPagesStrip.entries(
            plan,
            from,
            to,
            now,
            m.createdAt(),
            m.paused() ? null : m.dueAt(),
            signals,
            MonitorPagesStrip.pausedSpans(history));
    model.addAttribute("strip", entries);
    model.addAttribute("windowBack", MonitorPagesView.span(window[0]));
    model.addAttribute("windowAhead", MonitorPagesView.span(window[1]));
  }

  /** The monitor's schedule for the strip, or null when it cannot be read. */
  static MonitorPagesStrip.Plan plan(MonitorPagesReads.Row m) {
    try {
      if (m.heartbeat()) {
        Duration grace = Duration.ofSeconds(m.graceS() == null ? 0 : m.graceS());
        if (m.cron() != null) {
          return new MonitorPagesStrip.Plan(
              CronSchedule.parseCached(m.cron()),
              ZoneId.of(m.timeZone() == null ? "UTC" : m.timeZone()),
              null,
              grace,
              false);
        }
        return m.periodS() == null || m.periodS() <= 0
            ? null
            : new MonitorPagesStrip.Plan(null, null, Duration.ofSeconds(m.periodS()), grace, false);
      }
      if (m.intervalS() == null || m.intervalS() <= 0) {
        return null;
      }
      Duration interval = Duration.ofSeconds(m.intervalS());
      // A check is missing once a whole further interval has passed without it.
      return new MonitorPagesStrip.Plan(null, null, interval, interval, true);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The down spans of a timeline (oldest first), newest first. */
  static List<Outage> outages(List<MonitorPagesReads.Event> events) {
    List<Outage> out = new ArrayList<>();
    MonitorPagesReads.Event down = null;
    for (MonitorPagesReads.Event e : events) {
      if ("down".equals(e.to()) && down == null) {
        down = e;
      } else if (!"down".equals(e.to()) && down != null) {
        out.add(
            new Outage(
                down.at(),
                e.at(),
                Duration.between(down.at(), e.at()).toSeconds(),
                down.reason(),
                e.reason()));
        down = null;
      }
    }
    if (down != null) {
      out.add(new Outage(down.at(), null, -1, down.reason(), null));
    }
    return out.reversed();
  }

  private static Instant parse(String before) {
    if (before == null || before.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(before.strip());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** What templates call as {@code ${view.…}}. */
  static final class Helpers {
    static final Helpers INSTANCE = new Helpers();

    public String span(long seconds) {
      return MonitorPagesView.span(seconds);
    }

    public String percent(Double p) {
      return MonitorPagesView.percent(p);
    }

    public String tone(Double p) {
      return MonitorPagesView.tone(p);
    }
  }
}
