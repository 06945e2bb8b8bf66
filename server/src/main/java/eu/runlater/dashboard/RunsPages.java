package eu.runlater.dashboard;

import eu.runlater.executions.ExecutionStatuses;
import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The runs log ({@code /runs}): every execution of the organization, filtered by a GET form that
 * works without script; with htmx the form swaps only the results ({@code /runs/rows}) and keeps
 * the address bar in step. The newest page refreshes on the live stream's events; an older page
 * (one with a cursor) stays as it is, so rows do not move under the reader.
 */
@Pages
class RunsPages {
  /** The filter form's id, which htmx sends as HX-Trigger. */
  static final String FORM = "runs-filter";

  private final Runs runs;
  private final LiveFeed live;

  RunsPages(Runs runs, LiveFeed live) {
    this.runs = runs;
    this.live = live;
  }

  @GetMapping("/runs")
  String runs(
      Viewer viewer,
      RunFilter filter,
      @RequestParam(required = false) String cursor,
      Model model,
      HttpServletResponse response) {
    UUID org = viewer.organizationId();
    // Before the query: a change after this makes the stream's first event re-fetch.
    model.addAttribute("seen", live.fingerprint(org));
    results(org, filter, cursor, model, response);
    model.addAttribute(
        "statuses",
        ExecutionStatuses.ALL.stream().sorted().map(v -> new Runs.Choice(v, v)).toList());
    model.addAttribute("jobs", runs.jobs(org));
    model.addAttribute("queues", runs.queues(org));
    model.addAttribute("topics", runs.topics(org));
    return "dashboard/runs";
  }

  @GetMapping("/runs/rows")
  String rows(
      Viewer viewer,
      RunFilter filter,
      @RequestParam(required = false) String cursor,
      @RequestHeader(name = "HX-Trigger", required = false) String trigger,
      Model model,
      HttpServletResponse response) {
    results(viewer.organizationId(), filter, cursor, model, response);
    // A filter sent from the form: the address bar shows the page it stands for (and Back goes
    // to the one before). A live refresh keeps the address as it is.
    if (FORM.equals(trigger)) {
      String query = filter.query();
      response.setHeader("HX-Push-Url", "/runs" + (query.isEmpty() ? "" : "?" + query));
    }
    return "dashboard/runs :: results";
  }

  private void results(
      UUID org, RunFilter filter, String cursor, Model model, HttpServletResponse response) {
    UUID after = null;
    Runs.Page page;
    if (cursor != null && !cursor.isBlank()) {
      try {
        after = UUID.fromString(cursor.strip());
      } catch (IllegalArgumentException e) {
        page =
            new Runs.Page(
                List.of(),
                null,
                Map.of("cursor", "This page link is broken; start from the newest."));
        fill(model, filter, page, true);
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        return;
      }
    }
    page = runs.page(org, filter, after);
    fill(model, filter, page, after != null);
    if (!page.errors().isEmpty()) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    }
  }

  private static void fill(Model model, RunFilter filter, Runs.Page page, boolean older) {
    String query = filter.query();
    model.addAttribute("filter", filter);
    model.addAttribute("filtered", filter.any());
    model.addAttribute("page", page);
    model.addAttribute("errors", page.errors());
    model.addAttribute("older", older);
    model.addAttribute("live", !older && page.errors().isEmpty());
    model.addAttribute("newestUrl", "/runs" + (query.isEmpty() ? "" : "?" + query));
    model.addAttribute("rowsUrl", "/runs/rows" + (query.isEmpty() ? "" : "?" + query));
    model.addAttribute(
        "olderUrl",
        page.next() == null
            ? null
            : "/runs?" + (query.isEmpty() ? "" : query + "&") + "cursor=" + page.next());
  }
}
