package eu.runlater.hosts;

import eu.runlater.engine.Hosts;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The hosts the engine holds back for the organization ({@code /hosts}) and one host's page ({@code
 * /hosts/{scheme}/{host:port}}, the link every host hold carries, {@link Holds#href}): why it is
 * held, since when, until when, what waits for it, and "Probe now" and "Release" for those who may
 * edit jobs. Both refresh live when an execution lands.
 */
@Pages
class HostPages {
  static final int RECENT = 20;

  private final HostStates states;
  private final HostActions actions;

  HostPages(HostStates states, HostActions actions) {
    this.states = states;
    this.actions = actions;
  }

  @GetMapping("/hosts")
  String list(Viewer viewer, Model model) {
    model.addAttribute("hosts", states.troubled(viewer.organizationId()));
    model.addAttribute("mayAct", viewer.may(Permission.OPERATE));
    return "hosts/list";
  }

  @GetMapping("/hosts/{scheme}/{host}")
  String detail(
      Viewer viewer, @PathVariable String scheme, @PathVariable String host, Model model) {
    UUID org = viewer.organizationId();
    String target = target(scheme, host);
    HostStates.HostState state =
        states.find(org, target).orElseGet(() -> states.healthy(org, target));
    List<HostStates.Recent> recent = states.recent(org, target, RECENT);
    if (!state.held()
        && state.waiting() == 0
        && recent.isEmpty()
        && !states.targeted(org, target)) {
      throw PageException.notFound();
    }
    model.addAttribute("host", state);
    model.addAttribute("recent", recent);
    model.addAttribute("mayAct", viewer.may(Permission.OPERATE));
    return "hosts/detail";
  }

  @PostMapping("/hosts/{scheme}/{host}/probe")
  String probe(
      Viewer viewer,
      @PathVariable String scheme,
      @PathVariable String host,
      RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "probe hosts");
    String target = target(scheme, host);
    String name = Holds.displayName(target);
    Hosts.Outcome outcome = actions.act(viewer.organizationId(), target, HostActions.Action.PROBE);
    switch (outcome) {
      case DONE ->
          flash.addFlashAttribute(
              "flash",
              "Probing "
                  + name
                  + " now: if the probe delivery succeeds, the circuit closes and every held"
                  + " delivery goes.");
      case NOT_OPEN ->
          flash.addFlashAttribute(
              "flashError",
              name + " is throttled, not down: there is no probe. Release it to end the throttle.");
      case NOT_HELD -> flash.addFlashAttribute("flash", name + " is no longer held.");
    }
    return "redirect:" + Holds.href(target);
  }

  @PostMapping("/hosts/{scheme}/{host}/release")
  String release(
      Viewer viewer,
      @PathVariable String scheme,
      @PathVariable String host,
      RedirectAttributes flash) {
    viewer.require(Permission.OPERATE, "release hosts");
    String target = target(scheme, host);
    String name = Holds.displayName(target);
    Hosts.Outcome outcome =
        actions.act(viewer.organizationId(), target, HostActions.Action.RELEASE);
    flash.addFlashAttribute(
        "flash",
        outcome == Hosts.Outcome.DONE
            ? "Released "
                + name
                + ": its held deliveries go at their own times. If it is still down, its circuit"
                + " opens again after repeated failures."
            : name + " is no longer held.");
    return "redirect:" + Holds.href(target);
  }

  /** The engine's key of {@code /hosts/{scheme}/{host:port}}; 404 for anything else. */
  private static String target(String scheme, String host) {
    String s = scheme.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (!(s.equals("https") || s.equals("http")) || !h.matches("[^/\\s]+:[0-9]{1,5}")) {
      throw PageException.notFound();
    }
    return s + "://" + h;
  }
}
