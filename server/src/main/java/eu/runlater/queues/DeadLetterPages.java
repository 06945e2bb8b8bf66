package eu.runlater.queues;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The dead-letter list: filtered by queue and status, each row redriven or deleted from its menu,
 * selected rows together from the bar above the list (a plain form: it works without script), and
 * every match redriven after a dry run.
 */
@Pages
class DeadLetterPages {
  private final Queues queues;
  private final Messages messages;
  private final DeadLetters deadLetters;
  private final MessageStates states;
  private final QueuePages pages;

  DeadLetterPages(
      Queues queues,
      Messages messages,
      DeadLetters deadLetters,
      MessageStates states,
      QueuePages pages) {
    this.queues = queues;
    this.messages = messages;
    this.deadLetters = deadLetters;
    this.states = states;
    this.pages = pages;
  }

  /** A filter as typed: the queue's name and the status text, and the status parsed. */
  private record Typed(String queue, String status, StatusCodes codes, String statusError) {
    static Typed of(String queue, String status) {
      String q = queue == null || queue.isBlank() ? null : queue.strip();
      String s = status == null || status.isBlank() ? null : status.strip();
      try {
        return new Typed(q, s, StatusCodes.parse(s), null);
      } catch (IllegalArgumentException e) {
        return new Typed(q, s, null, e.getMessage());
      }
    }

    DeadLetters.Filter filter() {
      return new DeadLetters.Filter(queue, null, null, codes, null);
    }

    /** The list with this filter, and {@code extra} query parameters. */
    String link(String... extra) {
      UriComponentsBuilder b = UriComponentsBuilder.fromPath("/dead-letters");
      if (queue != null) {
        b.queryParam("queue", queue);
      }
      if (codes != null) {
        b.queryParam("status", codes.label());
      }
      for (int i = 0; i + 1 < extra.length; i += 2) {
        b.queryParam(extra[i], extra[i + 1]);
      }
      return b.encode().build().toUriString();
    }
  }

  @GetMapping("/dead-letters")
  String list(
      Viewer viewer,
      @RequestParam(required = false) String queue,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String cursor,
      Model model) {
    UUID org = viewer.organizationId();
    Typed typed = Typed.of(queue, status);
    List<Message> rows =
        deadLetters.list(org, typed.filter(), QueuePages.cursor(cursor), QueuePages.PAGE_SIZE + 1);
    model.addAttribute("queue", typed.queue());
    model.addAttribute("status", typed.status());
    model.addAttribute("statusError", typed.statusError());
    model.addAttribute("base", typed.link());
    model.addAttribute("queueNames", queues.list(org).stream().map(Queue::name).toList());
    pages.addPage(model, org, states.forOrganization(org), rows);
    return "queues/dead-letters";
  }

  @PostMapping("/dead-letters/{id}/redrive")
  String redriveOne(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String back,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "redrive messages");
    try {
      deadLetters.redrive(viewer.organizationId(), id);
    } catch (ApiProblem problem) {
      if (problem.status().value() == 429) { // a cap or the rate limit: say which
        redirect.addFlashAttribute("flashError", QueuePages.describe(problem));
        return "redirect:" + backTo(back, "/messages/" + id);
      }
      return noLongerDead(viewer.organizationId(), id, problem, redirect);
    }
    redirect.addFlashAttribute("flash", "Sent again with a full retry budget.");
    return "redirect:" + backTo(back, "/messages/" + id);
  }

  @PostMapping("/dead-letters/{id}/delete")
  String deleteOne(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(required = false) String back,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "delete dead letters");
    try {
      deadLetters.delete(viewer.organizationId(), id);
    } catch (ApiProblem problem) {
      return noLongerDead(viewer.organizationId(), id, problem, redirect);
    }
    redirect.addFlashAttribute("flash", "Deleted the dead letter.");
    return "redirect:" + backTo(back, "/dead-letters");
  }

  /** Where a row's action returns: the filtered list it came from, never another site. */
  private static String backTo(String back, String fallback) {
    return back != null && back.startsWith("/dead-letters") && !back.startsWith("//")
        ? back
        : fallback;
  }

  /**
   * Redrives or deletes the selected dead letters, one by one. A delete asks first: script asks in
   * a dialog; without script this answers with a page that asks.
   */
  @PostMapping("/dead-letters/bulk")
  String bulk(
      Viewer viewer,
      @RequestParam(name = "ids", required = false) List<String> ids,
      @RequestParam(defaultValue = "") String action,
      @RequestParam(defaultValue = "false") boolean confirm,
      @RequestParam(required = false) String queue,
      @RequestParam(required = false) String status,
      Model model,
      RedirectAttributes redirect) {
    boolean delete = "delete".equals(action);
    viewer.require(Permission.OPERATE, delete ? "delete dead letters" : "redrive dead letters");
    Typed typed = Typed.of(queue, status);
    List<UUID> chosen = new ArrayList<>();
    for (String id : ids == null ? List.<String>of() : ids) {
      try {
        chosen.add(UUID.fromString(id.strip()));
      } catch (IllegalArgumentException notAnId) {
        // A tampered form: such an id names nothing here.
      }
    }
    if (chosen.isEmpty() || !(delete || "redrive".equals(action))) {
      redirect.addFlashAttribute("flashError", "Select the dead letters first, then an action.");
      return "redirect:" + typed.link();
    }
    if (delete && !confirm) {
      model.addAttribute("ids", chosen);
      model.addAttribute("queue", typed.queue());
      model.addAttribute("status", typed.status());
      model.addAttribute("back", typed.link());
      return "queues/delete-confirm";
    }
    int done = 0;
    int gone = 0;
    String refused = null;
    for (UUID id : chosen) {
      try {
        if (delete) {
          deadLetters.delete(viewer.organizationId(), id);
        } else {
          deadLetters.redrive(viewer.organizationId(), id);
        }
        done++;
      } catch (ApiProblem problem) {
        if (problem.status().value() == 404) {
          gone++;
        } else {
          refused = QueuePages.describe(problem);
          break;
        }
      }
    }
    String verb = delete ? "Deleted " : "Sent again ";
    String summary = verb + done + (done == 1 ? " dead letter" : " dead letters") + ".";
    if (gone > 0) {
      summary += " " + gone + (gone == 1 ? " was" : " were") + " no longer in the list.";
    }
    if (refused != null) {
      redirect.addFlashAttribute(
          "flashError", summary + " Stopped: " + refused + " The rest stay in the list.");
    } else {
      redirect.addFlashAttribute("flash", summary);
    }
    return "redirect:" + typed.link();
  }

  /**
   * A redrive or delete of a message that is no longer a dead letter, usually a second click or
   * another tab: says so on the message's page, or on the list when the message is gone. A message
   * of another organization is gone as far as this one can tell, and reads the same.
   */
  private String noLongerDead(
      UUID organizationId, UUID id, ApiProblem problem, RedirectAttributes redirect) {
    if (problem.status().value() != 404) {
      throw problem;
    }
    Optional<Message> message = messages.find(organizationId, id);
    if (message.isPresent()) {
      redirect.addFlashAttribute(
          "flashError",
          "This message is no longer a dead letter (it is "
              + message.get().state()
              + " now): it was redriven already.");
      return "redirect:/messages/" + id;
    }
    redirect.addFlashAttribute("flashError", "This dead letter is gone: it was deleted already.");
    return "redirect:/dead-letters";
  }

  /**
   * Redrives every dead letter of the filter. Without {@code confirm} it is a dry run that shows
   * how many would go, and a button to confirm.
   */
  @PostMapping("/dead-letters/redrive")
  String redriveAll(
      Viewer viewer,
      @RequestParam(required = false) String queue,
      @RequestParam(required = false) String status,
      @RequestParam(defaultValue = "false") boolean confirm,
      @RequestParam(defaultValue = "10") int ratePerSecond,
      Model model,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "redrive messages");
    Typed typed = Typed.of(queue, status);
    if (typed.statusError() != null) {
      redirect.addFlashAttribute("flashError", typed.statusError());
      return "redirect:" + typed.link();
    }
    try {
      DeadLetters.RedriveResult result =
          deadLetters.redrive(viewer.organizationId(), typed.filter(), !confirm, ratePerSecond);
      if (!confirm) {
        model.addAttribute("queue", typed.queue());
        model.addAttribute("status", typed.codes() == null ? null : typed.codes().label());
        model.addAttribute("back", typed.link());
        model.addAttribute("result", result);
        return "queues/redrive-confirm";
      }
      redirect.addFlashAttribute(
          "flash",
          "Redriving "
              + result.redriven()
              + " of "
              + result.matched()
              + " at "
              + result.ratePerSecond()
              + " per second.");
    } catch (ApiProblem problem) {
      redirect.addFlashAttribute("flashError", QueuePages.describe(problem));
    }
    return "redirect:" + typed.link();
  }
}
