package eu.runlater.status;

import eu.runlater.organizations.Viewer;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The instance's own incidents (shown on {@code /status}) for the operator (superadmin): the
 * automatic ones the internal checks open, and manual ones; the operator posts their updates.
 */
@Pages
class StatusAdminPages {
  static final String BASE = "/admin/incidents";

  private final IncidentPages incidents;
  private final IncidentBook book;

  StatusAdminPages(IncidentPages incidents, IncidentBook book) {
    this.incidents = incidents;
    this.book = book;
  }

  private static void operator(Viewer viewer) {
    if (viewer == null || !viewer.user().superadmin()) {
      throw PageException.forbidden("see the instance's incidents (the operator only)");
    }
  }

  @GetMapping(BASE)
  String list(Viewer viewer, Model model) {
    operator(viewer);
    model.addAttribute("mayPost", true);
    return incidents.list(null, BASE, "Instance incidents", model);
  }

  @GetMapping(BASE + "/new")
  String create(Viewer viewer, @RequestParam(required = false) String kind, Model model) {
    operator(viewer);
    return incidents.form(null, BASE, kind, Map.of(), Map.of(), model);
  }

  @PostMapping(BASE)
  String create(
      Viewer viewer,
      @RequestParam MultiValueMap<String, String> params,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    operator(viewer);
    return incidents.create(null, BASE, params, model, response, redirect);
  }

  @GetMapping(BASE + "/{id}")
  String detail(Viewer viewer, @PathVariable UUID id, Model model) {
    operator(viewer);
    return incidents.detail(null, BASE, id, Map.of(), Map.of(), model);
  }

  @PostMapping(BASE + "/{id}/updates")
  String post(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam Map<String, String> form,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    operator(viewer);
    return incidents.post(null, BASE, id, form, model, response, redirect);
  }

  @PostMapping(BASE + "/{id}/delete")
  String delete(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    operator(viewer);
    book.delete(null, id);
    redirect.addFlashAttribute("flash", "Deleted the incident.");
    return "redirect:" + BASE;
  }
}
