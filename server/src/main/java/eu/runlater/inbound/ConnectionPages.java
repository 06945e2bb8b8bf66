package eu.runlater.inbound;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
 * The connections' pages: every connection with its source, the create and edit form (checked by
 * the API's rules, each mistake beside its field), pause, resume (the held forwards queued) and
 * delete.
 */
@Pages
class ConnectionPages {
  private static final List<String> FIELDS =
      List.of(
          "sourceId",
          "name",
          "destinationUrl",
          "method",
          "filter",
          "transform",
          "timeoutSeconds",
          "retries",
          "parallelism",
          "rateLimit",
          "ratePer");

  private static final Map<String, String> BY_API_FIELD =
      Map.ofEntries(
          Map.entry("source_id", "sourceId"),
          Map.entry("name", "name"),
          Map.entry("destination_url", "destinationUrl"),
          Map.entry("method", "method"),
          Map.entry("filter", "filter"),
          Map.entry("transform", "transform"),
          Map.entry("timeout_ms", "timeoutSeconds"),
          Map.entry("retries", "retries"),
          Map.entry("parallelism", "parallelism"),
          Map.entry("rate.limit", "rateLimit"),
          Map.entry("rate.per", "ratePer"));

  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("sourceId", "Source"),
          Map.entry("name", "Name"),
          Map.entry("destinationUrl", "Destination URL"),
          Map.entry("method", "Method"),
          Map.entry("filter", "Filter"),
          Map.entry("transform", "Transformation"),
          Map.entry("timeoutSeconds", "Timeout"),
          Map.entry("retries", "Retries"),
          Map.entry("parallelism", "Parallelism"),
          Map.entry("rateLimit", "Rate"),
          Map.entry("ratePer", "Rate period"));

  private final Connections connections;
  private final Sources sources;

  ConnectionPages(Connections connections, Sources sources) {
    this.connections = connections;
    this.sources = sources;
  }

  @GetMapping("/inbound/connections")
  String list(Viewer viewer, Model model) {
    UUID org = viewer.organizationId();
    model.addAttribute(
        "connections", connections.list(org, null, null, SourcePages.LIST_LIMIT * 4));
    model.addAttribute("sourceNames", sourceNames(org));
    return "inbound/connections";
  }

  @GetMapping("/inbound/connections/new")
  String newForm(Viewer viewer, @RequestParam(required = false) UUID source, Model model) {
    viewer.require(Permission.OPERATE, "create connections");
    Map<String, String> v = new LinkedHashMap<>();
    FIELDS.forEach(f -> v.put(f, ""));
    v.put("sourceId", source == null ? "" : source.toString());
    v.put("ratePer", "second");
    return form(viewer, model, null, v, Map.of());
  }

  @PostMapping("/inbound/connections")
  String create(
      Viewer viewer,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "create connections");
    UUID org = viewer.organizationId();
    Map<String, String> v = InboundForms.values(request, FIELDS);
    try {
      Connection c = connections.create(org, connections.check(org, input(v)));
      redirect.addFlashAttribute(
          "flash", "Created “" + c.name() + "”: its source's accepted requests go to it now.");
      return "redirect:/inbound/sources/" + c.sourceId();
    } catch (ApiProblem problem) {
      response.setStatus(422);
      return form(viewer, model, null, v, errors(problem));
    }
  }

  @GetMapping("/inbound/connections/{id}/edit")
  String editForm(Viewer viewer, @PathVariable UUID id, Model model) {
    viewer.require(Permission.OPERATE, "edit connections");
    Connection c = connections.get(viewer.organizationId(), id);
    Map<String, String> v = new LinkedHashMap<>();
    v.put("sourceId", c.sourceId().toString());
    v.put("name", c.name());
    v.put("destinationUrl", c.destinationUrl());
    v.put("method", c.method() == null ? "" : c.method());
    v.put("filter", c.filter() == null ? "" : c.filter());
    v.put("transform", c.transform() == null ? "" : c.transform());
    v.put("timeoutSeconds", Integer.toString(c.timeoutMs() / 1000));
    v.put("retries", Integer.toString(c.retries()));
    v.put("parallelism", c.parallelism() == null ? "" : Integer.toString(c.parallelism()));
    v.put("rateLimit", c.rate() == null ? "" : Integer.toString(c.rate().limit()));
    v.put("ratePer", c.rate() == null ? "second" : c.rate().per());
    return form(viewer, model, c, v, Map.of());
  }

  @PostMapping("/inbound/connections/{id}")
  String update(
      Viewer viewer,
      @PathVariable UUID id,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "edit connections");
    UUID org = viewer.organizationId();
    Connection current = connections.get(org, id);
    Map<String, String> v = InboundForms.values(request, FIELDS);
    try {
      Connection c = connections.update(org, id, connections.check(org, input(v)));
      redirect.addFlashAttribute("flash", "Saved “" + c.name() + "”.");
      return "redirect:/inbound/sources/" + c.sourceId();
    } catch (ApiProblem problem) {
      response.setStatus(422);
      return form(viewer, model, current, v, errors(problem));
    }
  }

  @PostMapping("/inbound/connections/{id}/pause")
  String pause(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "") String back,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "pause connections");
    Connection c = connections.pause(viewer.organizationId(), id);
    redirect.addFlashAttribute(
        "flash", "Paused “" + c.name() + "”: requests keep arriving and wait until you resume.");
    return back(back, c);
  }

  @PostMapping("/inbound/connections/{id}/resume")
  String resume(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "") String back,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "resume connections");
    Connection c = connections.resume(viewer.organizationId(), id);
    redirect.addFlashAttribute(
        "flash", "Resumed “" + c.name() + "”: the requests that waited are forwarded now.");
    return back(back, c);
  }

  @PostMapping("/inbound/connections/{id}/delete")
  String delete(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "") String back,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "delete connections");
    Connection c = connections.get(viewer.organizationId(), id);
    connections.delete(viewer.organizationId(), id);
    redirect.addFlashAttribute("flash", "Deleted “" + c.name() + "”.");
    return back(back, c);
  }

  /** Back to the page the action came from (only our own connection list), or the source. */
  private static String back(String back, Connection c) {
    return "redirect:"
        + ("/inbound/connections".equals(back) ? back : "/inbound/sources/" + c.sourceId());
  }

  private String form(
      Viewer viewer,
      Model model,
      Connection connection,
      Map<String, String> values,
      Map<String, String> errors) {
    model.addAttribute("connection", connection);
    model.addAttribute("v", values);
    model.addAttribute("e", errors);
    model.addAttribute("sourceNames", sourceNames(viewer.organizationId()));
    if (!errors.isEmpty()) {
      model.addAttribute(
          "flashError", "The connection was not saved: " + String.join(" ", errors.values()));
    }
    return "inbound/connection-form";
  }

  private Map<UUID, String> sourceNames(UUID org) {
    return sources.list(org, null, SourcePages.LIST_LIMIT).stream()
        .collect(Collectors.toMap(Source::id, Source::name, (a, b) -> a, LinkedHashMap::new));
  }

  private static ConnectionInput input(Map<String, String> v) {
    List<FieldError> errors = new java.util.ArrayList<>();
    UUID source = null;
    if (!v.get("sourceId").isBlank()) {
      try {
        source = UUID.fromString(v.get("sourceId").strip());
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("source_id", "is no source of this organization"));
      }
    }
    Integer timeout = InboundForms.number(v.get("timeoutSeconds"), "timeout_ms", errors);
    Integer retries = InboundForms.number(v.get("retries"), "retries", errors);
    Integer parallelism = InboundForms.number(v.get("parallelism"), "parallelism", errors);
    Integer rateLimit = InboundForms.number(v.get("rateLimit"), "rate.limit", errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return new ConnectionInput(
        source,
        v.get("name"),
        v.get("destinationUrl").strip(),
        v.get("method").isBlank() ? null : v.get("method"),
        v.get("filter"),
        v.get("transform"),
        timeout == null ? null : timeout * 1000,
        retries,
        parallelism,
        rateLimit == null
            ? null
            : new ConnectionInput.RateInput(
                rateLimit, v.get("ratePer").isBlank() ? null : v.get("ratePer")));
  }

  private static Map<String, String> errors(ApiProblem problem) {
    return InboundForms.errors(
        problem, BY_API_FIELD, LABELS, Map.of("timeout_ms", "Timeout must be 1 to 300 seconds."));
  }
}
