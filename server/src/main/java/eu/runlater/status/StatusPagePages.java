package eu.runlater.status;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The status pages of the organization: the list, and the editor (page fields and components in
 * rows) with a preview that re-renders from the unsaved form as it changes (htmx posts the form to
 * {@code /status-pages/preview}; without JavaScript the preview button does the same).
 */
@Pages
class StatusPagePages {
  static final int BLANK_ROWS = 2;

  private final StatusPages pages;
  private final StatusSnapshots snapshots;
  private final PublicRender render;

  StatusPagePages(StatusPages pages, StatusSnapshots snapshots, PublicRender render) {
    this.pages = pages;
    this.snapshots = snapshots;
    this.render = render;
  }

  /**
   * The public page as it would look with the form saved (status-public's renderer, in an iframe's
   * srcdoc). A subject that is not an id yet shows as a manual component until it is saved.
   */
  String previewHtml(UUID organizationId, UUID pageId, Form form) {
    List<StatusSnapshots.DraftComponent> components = new ArrayList<>();
    for (Row r : form.rows()) {
      String kind = r.kind() == null || r.kind().isBlank() ? "manual" : r.kind();
      UUID subject = kind.equals("manual") ? null : uuid(r.subject());
      if (subject == null) {
        kind = "manual";
      }
      String state = StatusPages.MANUAL_STATES.contains(r.state()) ? r.state() : "operational";
      components.add(
          new StatusSnapshots.DraftComponent(
              uuid(r.id()),
              r.group() == null ? "" : r.group().strip(),
              r.name() == null || r.name().isBlank() ? "(no name)" : r.name().strip(),
              "",
              kind,
              subject,
              state));
    }
    String slug = form.slug() == null || form.slug().isBlank() ? "preview" : form.slug().strip();
    String title =
        form.title() == null || form.title().isBlank() ? "(untitled)" : form.title().strip();
    return render.preview(
        snapshots.preview(
            new StatusSnapshots.Draft(
                pageId,
                organizationId,
                slug,
                title,
                form.description() == null ? "" : form.description(),
                components)));
  }

  /** One row of the components table, as typed. */
  record Row(String id, String group, String name, String kind, String subject, String state) {
    boolean blank() {
      return empty(id) && empty(group) && empty(name) && empty(subject);
    }

    private static boolean empty(String s) {
      return s == null || s.isBlank();
    }
  }

  /** The editor's form, as typed. */
  record Form(String slug, String title, String description, String customHost, List<Row> rows) {
    static Form of(StatusPages.Page p) {
      List<Row> rows = new ArrayList<>();
      p.components()
          .forEach(
              c ->
                  rows.add(
                      new Row(
                          c.id().toString(),
                          c.group(),
                          c.name(),
                          c.kind(),
                          c.subjectId() == null ? "" : c.subjectId().toString(),
                          c.manualState())));
      return new Form(
          p.slug(), p.title(), p.description(), p.customHost() == null ? "" : p.customHost(), rows);
    }

    static Form read(MultiValueMap<String, String> form) {
      List<String> ids = form.getOrDefault("componentId", List.of());
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        rows.add(
            new Row(
                at(form, "componentId", i),
                at(form, "componentGroup", i),
                at(form, "componentName", i),
                at(form, "componentKind", i),
                at(form, "componentSubject", i),
                at(form, "componentState", i)));
      }
      return new Form(
          form.getFirst("slug"),
          form.getFirst("title"),
          form.getFirst("description"),
          form.getFirst("customHost"),
          rows.stream().filter(r -> !r.blank()).toList());
    }

    private static String at(MultiValueMap<String, String> form, String name, int i) {
      List<String> values = form.getOrDefault(name, List.of());
      return i < values.size() ? values.get(i) : "";
    }

    StatusPages.PageInput input() {
      return new StatusPages.PageInput(
          slug,
          title,
          description,
          customHost,
          rows.stream()
              .map(
                  r ->
                      new StatusPages.ComponentInput(
                          uuid(r.id()),
                          r.group(),
                          r.name(),
                          null,
                          r.kind(),
                          r.subject(),
                          r.state()))
              .toList());
    }

    /** The rows with blank ones to add components without JavaScript. */
    List<Row> withBlanks() {
      List<Row> all = new ArrayList<>(rows);
      for (int i = 0; i < BLANK_ROWS; i++) {
        all.add(new Row("", "", "", "manual", "", "operational"));
      }
      return all;
    }
  }

  @GetMapping("/status-pages")
  String list(Viewer viewer, Model model) {
    model.addAttribute("pages", pages.list(viewer.organizationId()));
    model.addAttribute("mayChange", viewer.may(Permission.MANAGE_ORGANIZATION));
    return "status/admin-pages";
  }

  @GetMapping("/status-pages/new")
  String create(Viewer viewer, Model model) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "create status pages");
    return editor(
        model,
        null,
        new Form("", "", "", "", List.of(new Row("", "", "Website", "manual", "", "operational"))),
        Map.of(),
        viewer.organizationId());
  }

  @PostMapping("/status-pages")
  String create(
      Viewer viewer,
      @RequestParam MultiValueMap<String, String> params,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "create status pages");
    Form form = Form.read(params);
    try {
      StatusPages.Page p = pages.create(viewer.organizationId(), form.input());
      redirect.addFlashAttribute("flash", "Created the status page “" + p.title() + "”.");
      return "redirect:/status-pages/" + p.id();
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      return editor(model, null, form, errors(problem), viewer.organizationId());
    }
  }

  @GetMapping("/status-pages/{id}")
  String edit(Viewer viewer, @PathVariable UUID id, Model model) {
    StatusPages.Page p = page(viewer, id);
    model.addAttribute("mayChange", viewer.may(Permission.MANAGE_ORGANIZATION));
    return editor(model, p, Form.of(p), Map.of(), viewer.organizationId());
  }

  @PostMapping("/status-pages/{id}")
  String save(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam MultiValueMap<String, String> params,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "change status pages");
    StatusPages.Page p = page(viewer, id);
    Form form = Form.read(params);
    try {
      pages.replace(viewer.organizationId(), id, form.input());
      redirect.addFlashAttribute("flash", "Saved the status page.");
      return "redirect:/status-pages/" + id;
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      return editor(model, p, form, errors(problem), viewer.organizationId());
    }
  }

  @PostMapping("/status-pages/{id}/delete")
  String delete(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "delete status pages");
    pages.delete(viewer.organizationId(), id);
    redirect.addFlashAttribute("flash", "Deleted the status page.");
    return "redirect:/status-pages";
  }

  /** The preview of the unsaved form (an htmx fragment; a whole page without htmx). */
  @PostMapping("/status-pages/preview")
  String preview(
      Viewer viewer,
      @RequestParam MultiValueMap<String, String> params,
      @org.springframework.web.bind.annotation.RequestHeader(name = "HX-Request", required = false)
          String htmx,
      Model model) {
    Form form = Form.read(params);
    UUID pageId = uuid(params.getFirst("pageId"));
    model.addAttribute("preview", previewHtml(viewer.organizationId(), pageId, form));
    if (htmx != null) {
      return "status/admin-editor :: preview";
    }
    return editor(
        model,
        pageId == null ? null : pages.find(viewer.organizationId(), pageId).orElse(null),
        form,
        Map.of(),
        viewer.organizationId());
  }

  private String editor(
      Model model, StatusPages.Page p, Form form, Map<String, String> errors, UUID organizationId) {
    model.addAttribute("page", p);
    model.addAttribute("form", form);
    model.addAttribute("rows", form.withBlanks());
    model.addAttribute("errors", errors);
    model.addAttribute("kinds", List.of("manual", "monitor", "job", "queue"));
    model.addAttribute("states", StatusPages.MANUAL_STATES);
    if (!model.containsAttribute("preview")) {
      model.addAttribute("preview", previewHtml(organizationId, p == null ? null : p.id(), form));
    }
    if (!model.containsAttribute("mayChange")) {
      model.addAttribute("mayChange", true);
    }
    if (!errors.isEmpty()) {
      model.addAttribute(
          "flashError", "The status page was not saved: " + String.join(" ", errors.values()));
    }
    return "status/admin-editor";
  }

  private StatusPages.Page page(Viewer viewer, UUID id) {
    return pages
        .find(viewer.organizationId(), id)
        .orElseThrow(
            () -> new PageException(HttpStatus.NOT_FOUND, "There is no such status page."));
  }

  /** The problem's messages by field ("form" for a 409 or a cap). */
  static Map<String, String> errors(ApiProblem problem) {
    Map<String, String> byField = new LinkedHashMap<>();
    for (FieldError e : problem.errors()) {
      byField.merge(e.field(), e.message(), (a, b) -> a + "; " + b);
    }
    if (byField.isEmpty()) {
      String type = problem.toProblemDetail().getType().toString();
      String field =
          type.endsWith("slug-taken")
              ? "slug"
              : type.endsWith("custom-host-taken") ? "custom_host" : "form";
      byField.put(field, problem.getMessage());
    }
    return byField;
  }

  static UUID uuid(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return UUID.fromString(s.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
