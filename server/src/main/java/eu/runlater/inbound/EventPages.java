package eu.runlater.inbound;

import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The received requests' pages: the list (by source, status, time and a header or body value, a
 * page at a time, live) and one request in detail (the request as received, its verification, what
 * each connection did with it and every attempt of each forward, live) with its replay; and the
 * replay of every request the list's filters match, counted first (a dry run) and spaced by a rate.
 */
@Pages
class EventPages {
  static final int PAGE_SIZE = 50;
  static final List<String> STATUSES = List.of("accepted", "duplicate", "rejected");

  /** The time filter's choices: how far back, by its word. */
  static final Map<String, Duration> WINDOWS = windows();

  private final EventReads reads;
  private final Replays replays;
  private final Sources sources;
  private final Connections connections;
  private final LiveFeed live;
  private final InstantSource clock;

  EventPages(
      EventReads reads,
      Replays replays,
      Sources sources,
      Connections connections,
      LiveFeed live,
      InstantSource clock) {
    this.reads = reads;
    this.replays = replays;
    this.sources = sources;
    this.connections = connections;
    this.live = live;
    this.clock = clock;
  }

  private static Map<String, Duration> windows() {
    Map<String, Duration> w = new LinkedHashMap<>();
    w.put("1h", Duration.ofHours(1));
    w.put("24h", Duration.ofHours(24));
    w.put("7d", Duration.ofDays(7));
    w.put("30d", Duration.ofDays(30));
    return w;
  }

  @GetMapping("/inbound/events")
  String list(
      Viewer viewer,
      @RequestParam(required = false) String source,
      @RequestParam(defaultValue = "") String status,
      @RequestParam(defaultValue = "") String since,
      @RequestParam(defaultValue = "") String q,
      @RequestParam(required = false) String cursor,
      Model model) {
    UUID org = viewer.organizationId();
    model.addAttribute("seen", live.fingerprint(org));
    UUID sourceId = uuid(source);
    String chosenStatus = STATUSES.contains(status) ? status : "";
    Duration window = WINDOWS.get(since);
    Instant from = window == null ? null : clock.instant().minus(window);
    String text = q.isEmpty() ? null : q;
    List<EventView> rows =
        reads.list(
            org,
            new EventReads.Filter(
                sourceId, chosenStatus.isEmpty() ? null : chosenStatus, from, null, text),
            uuid(cursor),
            PAGE_SIZE + 1);
    boolean more = rows.size() > PAGE_SIZE;
    List<EventView> page = more ? rows.subList(0, PAGE_SIZE) : rows;
    model.addAttribute("events", page);
    model.addAttribute("next", more ? page.getLast().id().toString() : null);
    model.addAttribute("first", cursor != null && !cursor.isBlank());
    model.addAttribute(
        "sourceNames",
        sources.list(org, null, SourcePages.LIST_LIMIT).stream()
            .collect(Collectors.toMap(Source::id, Source::name, (a, b) -> a, LinkedHashMap::new)));
    model.addAttribute("source", sourceId);
    model.addAttribute("status", chosenStatus);
    model.addAttribute("since", window == null ? "" : since);
    model.addAttribute("q", q);
    model.addAttribute("statuses", STATUSES);
    model.addAttribute("windows", WINDOWS.keySet());
    model.addAttribute(
        "filtered", sourceId != null || !chosenStatus.isEmpty() || window != null || text != null);
    return "inbound/events";
  }

  @GetMapping("/inbound/events/{id}")
  String event(Viewer viewer, @PathVariable UUID id, Model model) {
    UUID org = viewer.organizationId();
    model.addAttribute("seen", live.fingerprint(org));
    EventView e = reads.get(org, id);
    model.addAttribute("event", e);
    model.addAttribute("replayable", !InboundEvents.REJECTED.equals(e.status()));
    return "inbound/event";
  }

  @PostMapping("/inbound/events/{id}/replay")
  String replay(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) UUID connection,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "replay requests");
    try {
      replays.one(viewer.organizationId(), id, connection);
      redirect.addFlashAttribute(
          "flash", "Replayed: the new forwards are below the earlier ones, with their attempts.");
    } catch (ApiProblem problem) {
      redirect.addFlashAttribute("flashError", "Not replayed: " + problem.getMessage());
    }
    return "redirect:/inbound/events/" + id;
  }

  /**
   * The replay of every request the list's filters match: counted first (a dry run), then replayed
   * from the form below the count, with a rate and, if chosen, over one connection only. The count
   * is taken up to now, and the replay goes up to that same instant, so it replays what was counted
   * (a request received meanwhile is not added).
   */
  @GetMapping("/inbound/events/replay")
  String replayMatching(
      Viewer viewer,
      @RequestParam(required = false) String source,
      @RequestParam(defaultValue = "") String status,
      @RequestParam(defaultValue = "") String since,
      @RequestParam(defaultValue = "") String q,
      Model model) {
    viewer.require(Permission.OPERATE, "replay requests");
    UUID org = viewer.organizationId();
    Instant now = clock.instant();
    UUID sourceId = uuid(source);
    Duration window = WINDOWS.get(since);
    Instant from = window == null ? null : now.minus(window);
    Replays.Result count =
        replays.matching(org, filter(sourceId, status, q, from, now), null, true, null);
    model.addAttribute("result", count);
    model.addAttribute("replaying", Math.min(count.matched(), Replays.MAX_REPLAY));
    model.addAttribute("source", sourceId);
    model.addAttribute("sourceName", sourceId == null ? null : sources.get(org, sourceId).name());
    model.addAttribute("status", STATUSES.contains(status) ? status : "");
    model.addAttribute("since", WINDOWS.containsKey(since) ? since : "");
    model.addAttribute("q", q);
    model.addAttribute("from", from == null ? "" : from.toString());
    model.addAttribute("until", now.toString());
    // One connection to replay over can be chosen when the filter names its source.
    model.addAttribute(
        "connections",
        sourceId == null
            ? List.of()
            : connections.list(org, sourceId, null, SourcePages.LIST_LIMIT * 4));
    model.addAttribute("defaultRate", Replays.DEFAULT_RATE_PER_SECOND);
    return "inbound/replay-confirm";
  }

  @PostMapping("/inbound/events/replay")
  String replayMatchingNow(
      Viewer viewer,
      @RequestParam(required = false) String source,
      @RequestParam(defaultValue = "") String status,
      @RequestParam(defaultValue = "") String since,
      @RequestParam(defaultValue = "") String q,
      @RequestParam(defaultValue = "") String from,
      @RequestParam(defaultValue = "") String until,
      @RequestParam(required = false) UUID connection,
      @RequestParam(required = false) Integer ratePerSecond,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "replay requests");
    UUID sourceId = uuid(source);
    // The confirm page's instants: the replay takes what its count took.
    Instant now = clock.instant();
    Duration window = WINDOWS.get(since);
    Instant after = instant(from, window == null ? null : now.minus(window));
    Instant upTo = instant(until, now);
    try {
      Replays.Result r =
          replays.matching(
              viewer.organizationId(),
              filter(sourceId, status, q, after, upTo),
              connection,
              false,
              ratePerSecond);
      redirect.addFlashAttribute(
          "flash",
          "Replayed "
              + r.replayed()
              + " of "
              + r.matched()
              + " matching requests ("
              + r.forwards()
              + " forwards) at "
              + r.ratePerSecond()
              + " per second"
              + (r.replayed() < r.matched() ? "; replay again for the rest." : "."));
    } catch (ApiProblem problem) {
      redirect.addFlashAttribute("flashError", "Not replayed: " + problem.getMessage());
    }
    redirect.addAttribute("source", sourceId == null ? "" : sourceId.toString());
    redirect.addAttribute("status", status);
    redirect.addAttribute("since", since);
    redirect.addAttribute("q", q);
    return "redirect:/inbound/events";
  }

  /** The list's filters as a replay takes them: received from {@code from} up to {@code until}. */
  private static EventReads.Filter filter(
      UUID sourceId, String status, String q, Instant from, Instant until) {
    return new EventReads.Filter(
        sourceId, STATUSES.contains(status) ? status : null, from, until, q.isEmpty() ? null : q);
  }

  private static Instant instant(String text, Instant otherwise) {
    try {
      return text.isBlank() ? otherwise : Instant.parse(text.strip());
    } catch (java.time.format.DateTimeParseException e) {
      return otherwise; // a form not made by the confirm page
    }
  }

  private static UUID uuid(String text) {
    try {
      return text == null || text.isBlank() ? null : UUID.fromString(text.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
