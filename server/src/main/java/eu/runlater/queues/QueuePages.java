package eu.runlater.queues;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Queue pages: the list with depth, in-flight and rate; one queue with its messages; a message with
 * its attempts; the dead-letter list with redrive (one, or every match after a dry run).
 */
@Pages
class QueuePages {
  static final int PAGE_SIZE = 50;

  private final Queues queues;
  private final Messages messages;
  private final DeadLetters deadLetters;
  private final MessageDetails details;

  QueuePages(Queues queues, Messages messages, DeadLetters deadLetters, MessageDetails details) {
    this.queues = queues;
    this.messages = messages;
    this.deadLetters = deadLetters;
    this.details = details;
  }

  @GetMapping("/queues")
  String list(Viewer viewer, Model model) {
    Map<UUID, Queues.Stats> stats = queues.stats(viewer.organizationId());
    List<QueueView> views =
        queues.list(viewer.organizationId()).stream()
            .map(q -> QueueView.of(q, stats.getOrDefault(q.id(), Queues.Stats.NONE)))
            .toList();
    model.addAttribute("queues", views);
    model.addAttribute("dead", views.stream().mapToLong(QueueView::dead).sum());
    return "queues/list";
  }

  @PostMapping("/queues")
  String create(
      Viewer viewer,
      @RequestParam(defaultValue = "") String name,
      @RequestParam(required = false) Integer parallelism,
      @RequestParam(required = false) Integer rateLimit,
      @RequestParam(defaultValue = "second") String ratePer,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "create queues");
    QueueInput input =
        new QueueInput(
            parallelism,
            rateLimit == null ? null : new QueueInput.RateInput(rateLimit, ratePer),
            null,
            null,
            null);
    try {
      Queues.Put put = queues.put(viewer.organizationId(), name.trim(), input);
      redirect.addFlashAttribute(
          "flash",
          (put.created() ? "Created queue " : "Updated queue ") + put.queue().name() + ".");
      return "redirect:/queues/" + put.queue().name();
    } catch (ApiProblem problem) {
      redirect.addFlashAttribute("flashError", describe(problem));
      return "redirect:/queues";
    }
  }

  @GetMapping("/queues/{name}")
  String queue(
      Viewer viewer,
      @PathVariable String name,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String cursor,
      Model model) {
    Queue queue = queues.get(viewer.organizationId(), name);
    Queues.Stats stats = queues.stats(viewer.organizationId(), queue.id());
    String chosen = state != null && MessagesApi.STATES.contains(state) ? state : null;
    List<Message> rows =
        messages.list(
            viewer.organizationId(),
            new Messages.Filter(queue.name(), chosen, null, null, null),
            cursor(cursor),
            PAGE_SIZE + 1);
    model.addAttribute("queue", QueueView.of(queue, stats));
    model.addAttribute("state", chosen);
    model.addAttribute("states", List.of("waiting", "queued", "delivered", "failed", "cancelled"));
    addPage(model, rows);
    return "queues/queue";
  }

  @PostMapping("/queues/{name}/pause")
  String pause(Viewer viewer, @PathVariable String name, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "pause queues");
    queues.pause(viewer.organizationId(), name);
    redirect.addFlashAttribute("flash", "Paused " + name + ": messages wait until you resume.");
    return "redirect:/queues/" + name;
  }

  @PostMapping("/queues/{name}/resume")
  String resume(Viewer viewer, @PathVariable String name, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "resume queues");
    queues.resume(viewer.organizationId(), name);
    redirect.addFlashAttribute("flash", "Resumed " + name + ".");
    return "redirect:/queues/" + name;
  }

  @PostMapping("/queues/{name}/delete")
  String delete(Viewer viewer, @PathVariable String name, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "delete queues");
    queues.delete(viewer.organizationId(), name);
    redirect.addFlashAttribute("flash", "Deleted queue " + name + " and its messages.");
    return "redirect:/queues";
  }

  @GetMapping("/messages/{id}")
  String message(Viewer viewer, @PathVariable UUID id, Model model) {
    Message m = messages.get(viewer.organizationId(), id);
    model.addAttribute("message", details.detail(viewer.organizationId(), m));
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
      redirect.addFlashAttribute("flashError", describe(problem));
    }
    return "redirect:/messages/" + id;
  }

  @GetMapping("/dead-letters")
  String deadLetters(
      Viewer viewer,
      @RequestParam(required = false) String queue,
      @RequestParam(required = false) String cursor,
      Model model) {
    String q = queue == null || queue.isBlank() ? null : queue;
    List<Message> rows =
        deadLetters.list(
            viewer.organizationId(),
            new DeadLetters.Filter(q, null, null, null, null),
            cursor(cursor),
            PAGE_SIZE + 1);
    model.addAttribute("queue", q);
    model.addAttribute(
        "queueNames", queues.list(viewer.organizationId()).stream().map(Queue::name).toList());
    addPage(model, rows);
    return "queues/dead-letters";
  }

  @PostMapping("/dead-letters/{id}/redrive")
  String redriveOne(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "redrive messages");
    try {
      deadLetters.redrive(viewer.organizationId(), id);
    } catch (ApiProblem problem) {
      if (problem.status().value() == 429) { // a cap or the rate limit: say which
        redirect.addFlashAttribute("flashError", describe(problem));
        return "redirect:/messages/" + id;
      }
      return noLongerDead(viewer.organizationId(), id, problem, redirect);
    }
    redirect.addFlashAttribute("flash", "Sent again with a full retry budget.");
    return "redirect:/messages/" + id;
  }

  @PostMapping("/dead-letters/{id}/delete")
  String deleteOne(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "delete dead letters");
    try {
      deadLetters.delete(viewer.organizationId(), id);
    } catch (ApiProblem problem) {
      return noLongerDead(viewer.organizationId(), id, problem, redirect);
    }
    redirect.addFlashAttribute("flash", "Deleted the dead letter.");
    return "redirect:/dead-letters";
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
      @RequestParam(defaultValue = "false") boolean confirm,
      @RequestParam(defaultValue = "10") int ratePerSecond,
      Model model,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "redrive messages");
    String q = queue == null || queue.isBlank() ? null : queue;
    DeadLetters.Filter filter = new DeadLetters.Filter(q, null, null, null, null);
    try {
      DeadLetters.RedriveResult result =
          deadLetters.redrive(viewer.organizationId(), filter, !confirm, ratePerSecond);
      if (!confirm) {
        model.addAttribute("queue", q);
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
      redirect.addFlashAttribute("flashError", describe(problem));
    }
    return "redirect:/dead-letters" + (q == null ? "" : "?queue=" + q);
  }

  private void addPage(Model model, List<Message> rows) {
    boolean more = rows.size() > PAGE_SIZE;
    List<Message> page = more ? rows.subList(0, PAGE_SIZE) : rows;
    model.addAttribute("messages", page.stream().map(details::summary).toList());
    model.addAttribute("next", more ? page.getLast().id().toString() : null);
  }

  private static UUID cursor(String cursor) {
    try {
      return cursor == null || cursor.isBlank() ? null : UUID.fromString(cursor);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String describe(ApiProblem problem) {
    if (problem.errors().isEmpty()) {
      return problem.getMessage();
    }
    return String.join(
        "; ", problem.errors().stream().map(e -> e.field() + " " + e.message()).toList());
  }
}
