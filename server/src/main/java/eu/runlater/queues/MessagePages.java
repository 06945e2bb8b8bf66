package eu.runlater.queues;

import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A message's page: its state in the run words and what holds it, its attempts numbered over all
 * its deliveries, and the last response; cancelling one not yet delivered.
 */
@Pages
class MessagePages {
  private final Messages messages;
  private final MessageDetails details;
  private final MessageStates states;
  private final LiveFeed live;

  MessagePages(Messages messages, MessageDetails details, MessageStates states, LiveFeed live) {
    this.messages = messages;
    this.details = details;
    this.states = states;
    this.live = live;
  }

  @GetMapping("/messages/{id}")
  String message(Viewer viewer, @PathVariable UUID id, Model model) {
    UUID org = viewer.organizationId();
    Message m = messages.get(org, id);
    MessageStates.Row row = states.row(states.forOrganization(org), org, details.summary(m));
    model.addAttribute("page", details.page(org, m, row));
    model.addAttribute("message", row.m());
    model.addAttribute("seen", live.fingerprint(org));
    return "queues/message";
  }

  @PostMapping("/messages/{id}/cancel")
  String cancel(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "cancel messages");
    try {
      messages.cancel(viewer.organizationId(), id);
      redirect.addFlashAttribute("flash", "Cancelled: it will not be delivered.");
    } catch (ApiProblem problem) {
      if (problem.status().value() == 404) {
        throw problem;
      }
      redirect.addFlashAttribute("flashError", QueuePages.describe(problem));
    }
    return "redirect:/messages/" + id;
  }
}
