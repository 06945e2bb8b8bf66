package eu.runlater.inbound;

import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import eu.runlater.platform.web.PublicUrl;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.ResponseEntity;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The inbound sources' pages: the list, a source (its hosted URL to copy, its settings, its
 * connections, its latest requests, live) with "send test request", and the create and edit form
 * (secrets never shown back). Scoped to the viewer's organization: another's source is the 404
 * page.
 */
@Pages
class SourcePages {
  static final int LIST_LIMIT = 500;
  static final int RECENT = 10;

  private final Sources sources;
  private final Connections connections;
  private final EventReads reads;
  private final Inbox inbox;
  private final LiveFeed live;
  private final PublicUrl publicUrl;
  private final InstantSource clock;

  SourcePages(
      Sources sources,
      Connections connections,
      EventReads reads,
      Inbox inbox,
      LiveFeed live,
      PublicUrl publicUrl,
      InstantSource clock) {
    this.sources = sources;
    this.connections = connections;
    this.reads = reads;
    this.inbox = inbox;
    this.live = live;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** A source in the list: its settings as the API shows them, and its connections' count. */
  record Row(SourceView s, long connections, long paused) {}

  @GetMapping({"/inbound", "/inbound/sources"})
  String list(Viewer viewer, Model model) {
    UUID org = viewer.organizationId();
    Map<UUID, List<Connection>> bySource =
        connections.list(org, null, null, LIST_LIMIT * 4).stream()
            .collect(Collectors.groupingBy(Connection::sourceId));
    model.addAttribute(
        "sources",
        sources.list(org, null, LIST_LIMIT).stream()
            .map(
                s -> {
                  List<Connection> cs = bySource.getOrDefault(s.id(), List.of());
                  return new Row(
                      view(s), cs.size(), cs.stream().filter(Connection::paused).count());
                })
            .toList());
    return "inbound/sources";
  }

  @GetMapping("/inbound/sources/{id}")
  String source(Viewer viewer, @PathVariable UUID id, Model model) {
    UUID org = viewer.organizationId();
    model.addAttribute("seen", live.fingerprint(org));
    SourceView s = view(sources.get(org, id));
    model.addAttribute("source", s);
    model.addAttribute("timestamped", SourceForm.TIMESTAMPED);
    model.addAttribute("connections", connections.list(org, id, null, LIST_LIMIT));
    model.addAttribute(
        "events", reads.list(org, new EventReads.Filter(id, null, null, null, null), null, RECENT));
    return "inbound/source";
  }

  @PostMapping("/inbound/sources/{id}/test")
  String test(
      Viewer viewer,
      @PathVariable UUID id,
      HttpServletRequest request,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "send test requests");
    Source source = sources.get(viewer.organizationId(), id);
    // The hosted URL's own steps (rate limit, verification, dedup, storing, forwarding), on a
    // sample signed with the source's secret: the request is one like any other.
    long wait = inbox.admit(source);
    String hosted = publicUrl.of(HostedEndpoint.PREFIX + source.token());
    Received sample = TestRequests.sample(source, hosted, request.getRemoteAddr(), clock.instant());
    ResponseEntity<String> answer;
    try {
      answer = wait > 0 ? inbox.rateLimited(source, sample, wait) : inbox.receive(source, sample);
    } catch (InboundEvents.Stale e) {
      redirect.addFlashAttribute(
          "flashError", "The source changed while the test request was sent: send it again.");
      return "redirect:/inbound/sources/" + id;
    }
    String requestId = answer.getHeaders().getFirst(Inbox.REQUEST_ID_HEADER);
    if (answer.getStatusCode().is2xxSuccessful()) {
      redirect.addFlashAttribute(
          "flash",
          "Sent a test request: the hosted URL answered " + answer.getStatusCode().value() + ".");
    } else {
      redirect.addFlashAttribute(
          "flashError",
          "Sent a test request: the hosted URL answered "
              + answer.getStatusCode().value()
              + " (see the request for why).");
    }
    return "redirect:/inbound/events/" + requestId;
  }

  @GetMapping("/inbound/sources/new")
  String newForm(Viewer viewer, Model model) {
    viewer.require(Permission.OPERATE, "create sources");
    return form(model, null, SourceForm.empty(), Map.of());
  }

  @PostMapping("/inbound/sources")
  String create(
      Viewer viewer,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "create sources");
    Map<String, String> values = SourceForm.values(request);
    try {
      Source s =
          sources.create(
              viewer.organizationId(), SourceRules.check(SourceForm.input(values), null));
      redirect.addFlashAttribute(
          "flash", "Created “" + s.name() + "”: give the provider its hosted URL below.");
      return "redirect:/inbound/sources/" + s.id();
    } catch (ApiProblem problem) {
      response.setStatus(422);
      return form(model, null, values, SourceForm.errors(problem));
    }
  }

  @GetMapping("/inbound/sources/{id}/edit")
  String editForm(Viewer viewer, @PathVariable UUID id, Model model) {
    viewer.require(Permission.OPERATE, "edit sources");
    SourceView s = view(sources.get(viewer.organizationId(), id));
    return form(model, s, SourceForm.of(s), Map.of());
  }

  @PostMapping("/inbound/sources/{id}")
  String update(
      Viewer viewer,
      @PathVariable UUID id,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "edit sources");
    UUID org = viewer.organizationId();
    Source current = sources.get(org, id);
    Map<String, String> values = SourceForm.values(request);
    try {
      // An empty secret keeps the stored one while the type stays, as a patch does.
      String kept =
          Objects.equals(values.get("type"), current.verification().type().code)
              ? current.verification().secret()
              : null;
      Source s = sources.update(org, id, SourceRules.check(SourceForm.input(values), kept));
      redirect.addFlashAttribute("flash", "Saved “" + s.name() + "”.");
      return "redirect:/inbound/sources/" + id;
    } catch (ApiProblem problem) {
      response.setStatus(422);
      return form(model, view(current), values, SourceForm.errors(problem));
    }
  }

  @PostMapping("/inbound/sources/{id}/rotate")
  String rotate(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "rotate hosted URLs");
    sources.rotate(viewer.organizationId(), id);
    redirect.addFlashAttribute(
        "flash", "The source has a new hosted URL; the old one answers 404 from now on.");
    return "redirect:/inbound/sources/" + id;
  }

  @PostMapping("/inbound/sources/{id}/delete")
  String delete(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "delete sources");
    Source s = sources.get(viewer.organizationId(), id);
    sources.delete(viewer.organizationId(), id);
    redirect.addFlashAttribute(
        "flash", "Deleted “" + s.name() + "” with its connections and requests.");
    return "redirect:/inbound/sources";
  }

  private String form(
      Model model, SourceView source, Map<String, String> values, Map<String, String> errors) {
    model.addAttribute("source", source);
    model.addAttribute("v", values);
    model.addAttribute("e", errors);
    model.addAttribute("types", SourceForm.TYPES);
    model.addAttribute("timestamped", SourceForm.TIMESTAMPED);
    if (!errors.isEmpty()) {
      model.addAttribute(
          "flashError", "The source was not saved: " + String.join(" ", errors.values()));
    }
    return "inbound/source-form";
  }

  private SourceView view(Source s) {
    return SourceView.of(s, publicUrl.of(HostedEndpoint.PREFIX + s.token()));
  }
}
