package eu.runlater.dashboard;

import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.web.Pages;
import org.springframework.http.MediaType;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The home page: cards, recent executions and what needs attention, each a fragment that re-renders
 * when the live stream says executions changed.
 */
@Pages
class HomePages {
  private final Home home;
  private final LiveFeed live;

  HomePages(Home home, LiveFeed live) {
    this.home = home;
    this.live = live;
  }

  @GetMapping("/")
  String home(Viewer viewer, Model model) {
    // Before the queries: a change after this makes the stream's first event re-fetch.
    model.addAttribute("seen", live.fingerprint(viewer.organizationId()));
    model.addAttribute("cards", home.cards(viewer.organizationId()));
    model.addAttribute("recent", home.recent(viewer.organizationId()));
    model.addAttribute("attention", home.attention(viewer.organizationId()));
    return "dashboard/home";
  }

  @GetMapping("/home/cards")
  String cards(Viewer viewer, Model model) {
    model.addAttribute("cards", home.cards(viewer.organizationId()));
    return "dashboard/home :: cards";
  }

  @GetMapping("/home/recent")
  String recent(Viewer viewer, Model model) {
    model.addAttribute("recent", home.recent(viewer.organizationId()));
    return "dashboard/home :: recent";
  }

  @GetMapping("/home/attention")
  String attention(Viewer viewer, Model model) {
    model.addAttribute("attention", home.attention(viewer.organizationId()));
    return "dashboard/home :: attention";
  }

  /** The live stream of the viewer's organization ({@code text/event-stream}). */
  @GetMapping(value = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  SseEmitter live(Viewer viewer, @RequestParam(required = false) String seen) {
    return live.subscribe(viewer.organizationId(), seen);
  }
}
