package eu.runlater.status;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletResponse;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The organization's status incidents and maintenance: the list, the form for a new one, and one
 * incident with its updates and the form to post the next. {@link StatusAdminPages} shows the same
 * pages for the instance's own incidents to the operator.
 */
@Pages
class IncidentPages {
  static final String BASE = "/incidents";
  static final int PAGE_SIZE = 50;

  private final IncidentBook book;
  private final StatusPages pages;

  IncidentPages(IncidentBook book, StatusPages pages) {
    this.book = book;
    this.pages = pages;
  }

  @GetMapping(BASE)
  String list(Viewer viewer, Model model) {
    model.addAttribute("mayPost", viewer.may(Permission.OPERATE));
    return list(viewer.organizationId(), BASE, "Incidents", model);
  }

  @GetMapping(BASE + "/new")
  String create(Viewer viewer, @RequestParam(required = false) String kind, Model model) {
    viewer.require(Permission.OPERATE, "open incidents");
    return form(viewer.organizationId(), BASE, kind, Map.of(), Map.of(), model);
  }

  @PostMapping(BASE)
  String create(
      Viewer viewer,
      @RequestParam MultiValueMap<String, String> params,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "open incidents");
    return create(viewer.organizationId(), BASE, params, model, response, redirect);
  }

  @GetMapping(BASE + "/{id}")
  String detail(Viewer viewer, @PathVariable UUID id, Model model) {
    model.addAttribute("mayPost", viewer.may(Permission.OPERATE));
    return detail(viewer.organizationId(), BASE, id, Map.of(), Map.of(), model);
  }

  @PostMapping(BASE + "/{id}/updates")
  String post(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam Map<String, String> form,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "post incident updates");
    model.addAttribute("mayPost", true);
    return post(viewer.organizationId(), BASE, id, form, model, response, redirect);
  }

  @PostMapping(BASE + "/{id}/delete")
  String delete(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "delete incidents");
    book.delete(viewer.organizationId(), id);
    redirect.addFlashAttribute("flash", "Deleted the incident.");
    return "redirect:" + BASE;
  }

  // ---- shared with the operator's pages (organization null: the instance)

  String list(UUID organizationId, String base, String title, Model model) {
    List<IncidentBook.Incident> all = book.page(organizationId, null, null, null, PAGE_SIZE);
    model.addAttribute("open", all.stream().filter(IncidentBook.Incident::open).toList());
    model.addAttribute("past", all.stream().filter(i -> !i.open()).toList());
    model.addAttribute("base", base);
    model.addAttribute("heading", title);
    model.addAttribute("instance", organizationId == null);
    return "status/admin-incidents";
  }

  String form(
      UUID organizationId,
      String base,
      String kind,
      Map<String, String> values,
      Map<String, String> errors,
      Model model) {
    boolean maintenance = "maintenance".equals(kind) || "maintenance".equals(values.get("kind"));
    model.addAttribute("maintenance", maintenance);
    model.addAttribute("v", values);
    model.addAttribute("errors", errors);
    model.addAttribute("base", base);
    model.addAttribute("impacts", IncidentBook.IMPACTS);
    model.addAttribute(
        "statuses",
        maintenance ? IncidentBook.MAINTENANCE_STATUSES : IncidentBook.INCIDENT_STATUSES);
    model.addAttribute(
        "statusPages", organizationId == null ? List.of() : pages.list(organizationId));
    model.addAttribute("chosen", values.getOrDefault("componentIds", ""));
    if (!errors.isEmpty()) {
      model.addAttribute("flashError", "Not saved: " + String.join(" ", errors.values()));
    }
    return "status/admin-incident-form";
  }

  String create(
      UUID organizationId,
      String base,
      MultiValueMap<String, String> params,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    Map<String, String> values = new HashMap<>(params.toSingleValueMap());
    List<String> ids = params.getOrDefault("componentIds", List.of());
    values.put("componentIds", String.join(",", ids));
    Map<String, String> errors = new HashMap<>();
    String kind = values.getOrDefault("kind", "incident");
    try {
      List<UUID> componentIds = new ArrayList<>();
      ids.forEach(
          s -> {
            UUID u = StatusPagePages.uuid(s);
            if (u != null) {
              componentIds.add(u);
            }
          });
      IncidentBook.Incident i =
          book.create(
              organizationId,
              new IncidentBook.NewIncident(
                  kind,
                  values.get("title"),
                  values.get("impact"),
                  values.get("status"),
                  values.get("message"),
                  values.get("notify") != null,
                  componentIds,
                  time(values.get("startsAt"), "starts_at", errors),
                  time(values.get("endsAt"), "ends_at", errors)));
      redirect.addFlashAttribute(
          "flash", (i.maintenance() ? "Scheduled “" : "Opened “") + i.title() + "”.");
      return "redirect:" + base + "/" + i.id();
    } catch (ApiProblem problem) {
      errors.putAll(StatusPagePages.errors(problem));
      response.setStatus(problem.status().value());
      return form(organizationId, base, kind, values, errors, model);
    }
  }

  String detail(
      UUID organizationId,
      String base,
      UUID id,
      Map<String, String> values,
      Map<String, String> errors,
      Model model) {
    IncidentBook.Incident incident =
        book.find(organizationId, id)
            .orElseThrow(
                () -> new PageException(HttpStatus.NOT_FOUND, "There is no such incident."));
    model.addAttribute("incident", incident);
    model.addAttribute("base", base);
    model.addAttribute("v", values);
    model.addAttribute("errors", errors);
    model.addAttribute("impacts", IncidentBook.IMPACTS);
    model.addAttribute("instance", organizationId == null);
    if (!model.containsAttribute("mayPost")) {
      model.addAttribute("mayPost", true);
    }
    if (!errors.isEmpty()) {
      model.addAttribute(
          "flashError", "The update was not posted: " + String.join(" ", errors.values()));
    }
    return "status/admin-incident";
  }

  String post(
      UUID organizationId,
      String base,
      UUID id,
      Map<String, String> form,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    try {
      book.post(
          organizationId,
          id,
          new IncidentBook.NewUpdate(
              form.get("status"),
              form.get("message"),
              form.get("impact"),
              form.get("notify") != null));
      redirect.addFlashAttribute(
          "flash",
          form.get("notify") != null
              ? "Posted the update and queued its mail."
              : "Posted the update.");
      return "redirect:" + base + "/" + id;
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      return detail(organizationId, base, id, form, StatusPagePages.errors(problem), model);
    }
  }

  /** A datetime-local value, read as UTC. */
  static java.time.Instant time(String value, String field, Map<String, String> errors) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return LocalDateTime.parse(value.strip()).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw ApiProblem.invalid(field, "must be a date and time such as 2026-12-24T18:00");
    }
  }
}
