package eu.runlater.queues;

import eu.runlater.alerts.AlertSections;
import eu.runlater.alerts.Incidents;
import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Hold;
import eu.runlater.platform.web.Pages;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Queue pages: the list with depth, in-flight, rate and why waiting messages wait; one queue with
 * its messages in the dashboard's state words; creating a queue and editing its settings.
 */
@Pages
class QueuePages {
  static final int PAGE_SIZE = 50;

  /**
   * The message tabs of a queue's page: the stored state they filter by, named in the run words its
   * messages show (docs/states.md).
   */
  static final Map<String, String> TABS =
      Map.of(
          "waiting", "Scheduled or held",
          "queued", "Running or retrying",
          "delivered", "Succeeded",
          "failed", "Failed",
          "cancelled", "Cancelled");

  static final List<String> TAB_ORDER =
      List.of("waiting", "queued", "delivered", "failed", "cancelled");

  private final Queues queues;
  private final Messages messages;
  private final MessageDetails details;
  private final MessageStates states;
  private final LiveFeed live;
  private final AlertSections alerts;
  private final Incidents incidents;

  QueuePages(
      Queues queues,
      Messages messages,
      MessageDetails details,
      MessageStates states,
      LiveFeed live,
      AlertSections alerts,
      Incidents incidents) {
    this.alerts = alerts;
    this.incidents = incidents;
    this.queues = queues;
    this.messages = messages;
    this.details = details;
    this.states = states;
    this.live = live;
  }

  /**
   * A queue in a row or a page: its view, why its waiting messages wait (or null), and its open
   * incident (or null).
   */
  record QueueRow(QueueView q, Hold hold, Incidents.Incident incident) {}

  @GetMapping("/queues")
  String list(Viewer viewer, Model model) {
    UUID org = viewer.organizationId();
    Map<UUID, Queues.Stats> stats = queues.stats(org);
    MessageStates.Context context = states.forOrganization(org);
    List<Queue> all = queues.list(org);
    Map<UUID, Incidents.Incident> open =
        incidents.open(org, "queue", all.stream().map(Queue::id).toList());
    List<QueueRow> rows =
        all.stream()
            .map(
                q -> {
                  QueueView v = QueueView.of(q, stats.getOrDefault(q.id(), Queues.Stats.NONE));
                  return new QueueRow(v, waitingHold(context, v), open.get(q.id()));
                })
            .toList();
    model.addAttribute("queues", rows);
    model.addAttribute("dead", rows.stream().mapToLong(r -> r.q().dead()).sum());
    return "queues/list";
  }

  @PostMapping("/queues")
  String save(
      Viewer viewer,
      @RequestParam(defaultValue = "") String name,
      @RequestParam(required = false) Integer parallelism,
      @RequestParam(required = false) Integer rateLimit,
      @RequestParam(defaultValue = "second") String ratePer,
      @RequestParam(required = false) Integer retries,
      @RequestParam(required = false) Integer timeoutSeconds,
      @RequestParam(defaultValue = "/queues") String from,
      RedirectAttributes redirect) {
    viewer.require(Permission.OPERATE, "create queues");
    String trimmed = name.trim();
    // Saving the form keeps a paused queue paused: the form has no pause switch of its own.
    boolean paused = queues.find(viewer.organizationId(), trimmed).map(Queue::paused).orElse(false);
    QueueInput input =
        new QueueInput(
            parallelism,
            rateLimit == null ? null : new QueueInput.RateInput(rateLimit, ratePer),
            retries,
            timeoutSeconds == null ? null : timeoutSeconds * 1000,
            paused);
    try {
      Queues.Put put = queues.put(viewer.organizationId(), trimmed, input);
      redirect.addFlashAttribute(
          "flash",
          (put.created() ? "Created queue " : "Updated queue ") + put.queue().name() + ".");
      return "redirect:/queues/" + put.queue().name();
    } catch (ApiProblem problem) {
      Map<String, String> errors = fieldErrors(problem);
      redirect.addFlashAttribute("queueErrors", errors);
      redirect.addFlashAttribute(
          "queueInput",
          Map.of(
              "name", trimmed,
              "parallelism", text(parallelism),
              "rateLimit", text(rateLimit),
              "ratePer", ratePer,
              "retries", text(retries),
              "timeoutSeconds", text(timeoutSeconds)));
      redirect.addFlashAttribute(
          "flashError", "The queue was not saved: " + String.join("; ", errors.values()));
      return "redirect:" + (from.startsWith("/queues") ? from : "/queues") + "#queue-form";
    }
  }

  @GetMapping("/queues/{name}")
  String queue(
      Viewer viewer,
      @PathVariable String name,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String cursor,
      Model model) {
    UUID org = viewer.organizationId();
    Queue queue = queues.get(org, name);
    QueueView view = QueueView.of(queue, queues.stats(org, queue.id()));
    String chosen = state != null && TABS.containsKey(state) ? state : null;
    List<Message> rows =
        messages.list(
            org,
            new Messages.Filter(queue.name(), chosen, null, null, null),
            cursor(cursor),
            PAGE_SIZE + 1);
    MessageStates.Context context = states.forOrganization(org);
    model.addAttribute("queue", view);
    model.addAttribute("hold", waitingHold(context, view));
    model.addAttribute("state", chosen);
    model.addAttribute("tabs", TAB_ORDER);
    model.addAttribute("tabNames", TABS);
    model.addAttribute("seen", live.fingerprint(org));
    model.addAttribute("alerts", alerts.of(viewer, "queue", queue.id()));
    addPage(model, org, context, rows);
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

  /** Why a queue's waiting messages wait: shown only while some do. */
  private static Hold waitingHold(MessageStates.Context context, QueueView q) {
    MessageStates.Flow flow = context.flows().get(q.name());
    return flow == null || q.waiting() == 0 ? null : MessageStates.queueHold(flow, context.now());
  }

  /** A page of messages in the run words, and the cursor of the next page. */
  void addPage(Model model, UUID org, MessageStates.Context context, List<Message> rows) {
    boolean more = rows.size() > PAGE_SIZE;
    List<Message> page = more ? rows.subList(0, PAGE_SIZE) : rows;
    model.addAttribute(
        "messages", states.rows(context, org, page.stream().map(details::summary).toList()));
    model.addAttribute("next", more ? page.getLast().id().toString() : null);
  }

  static UUID cursor(String cursor) {
    try {
      return cursor == null || cursor.isBlank() ? null : UUID.fromString(cursor);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The API's field names as the form labels them, so an error reads beside its field. */
  private static final Map<String, String> FIELDS =
      Map.of(
          "name", "name",
          "parallelism", "parallelism",
          "rate.limit", "rateLimit",
          "rate.per", "ratePer",
          "retries", "retries",
          "timeout_ms", "timeoutSeconds");

  private static Map<String, String> fieldErrors(ApiProblem problem) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (problem.errors().isEmpty()) {
      errors.put("name", problem.getMessage());
    }
    for (var e : problem.errors()) {
      String field = FIELDS.getOrDefault(e.field(), "name");
      String message =
          "timeout_ms".equals(e.field())
              ? "Timeout must be 1 to 300 seconds."
              : label(field) + " " + e.message() + ".";
      errors.merge(field, message, (a, b) -> a + " " + b);
    }
    return errors;
  }

  private static String label(String field) {
    return switch (field) {
      case "rateLimit" -> "Rate limit";
      case "ratePer" -> "Rate period";
      case "retries" -> "Retries";
      case "parallelism" -> "Parallelism";
      default -> "Name";
    };
  }

  private static String text(Integer value) {
    return value == null ? "" : value.toString();
  }

  static String describe(ApiProblem problem) {
    if (problem.errors().isEmpty()) {
      return problem.getMessage();
    }
    return String.join(
        "; ", problem.errors().stream().map(e -> e.field() + " " + e.message()).toList());
  }
}
