package eu.runlater.queues;

import eu.runlater.engine.SecretBox;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Messages (state and every attempt) and the dead-letter list. */
@RestController
@Tag(name = "Messages")
class MessagesApi {
  static final Set<String> STATES = Set.of("waiting", "queued", "delivered", "failed", "cancelled");

  private final Messages messages;
  private final DeadLetters deadLetters;
  private final MessageDetails details;
  private final MessageStates states;
  private final SecretBox secrets;

  MessagesApi(
      Messages messages,
      DeadLetters deadLetters,
      MessageDetails details,
      MessageStates states,
      SecretBox secrets) {
    this.states = states;
    this.messages = messages;
    this.deadLetters = deadLetters;
    this.details = details;
    this.secrets = secrets;
  }

  /**
   * @param messages 1 to 1,000 messages, each as a push takes it plus {@code queue} (default {@code
   *     default})
   */
  record BatchRequest(List<MessageInput> messages) {}

  /**
   * @param messages one answer per message, in the order given
   */
  record BatchResponse(List<Messages.Pushed> messages) {}

  @PostMapping("/api/v1/messages/batch")
  @Operation(
      summary = "Push up to 1,000 messages at once, all or none",
      description =
          "Each item is a push body plus queue (default 'default'; missing queues are created"
              + " with the defaults). Every item is checked first: any invalid one is a 422 whose"
              + " errors name it by index (messages[3].url) and nothing is enqueued. 201 with one"
              + " answer per item in order; 200 when every item was deduplicated (dedup applies"
              + " against earlier messages and within the batch). Honours Idempotency-Key.")
  ResponseEntity<BatchResponse> pushBatch(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody BatchRequest request) {
    List<Messages.Pushed> pushed = messages.pushBatch(caller.organizationId(), request.messages());
    BatchResponse body = new BatchResponse(pushed);
    return pushed.stream().allMatch(Messages.Pushed::deduplicated)
        ? ResponseEntity.ok(body)
        : ResponseEntity.status(HttpStatus.CREATED).body(body);
  }

  @GetMapping("/api/v1/messages/{id}")
  @Operation(
      summary = "Get a message with every attempt",
      description =
          "Besides the stored state, run_state names it as the dashboard does (scheduled, held,"
              + " overdue, running, retrying, succeeded, failed, cancelled) and hold says what"
              + " holds it when held or overdue: kind (queue_paused, queue_parallelism,"
              + " queue_rate, ordering_key, host_circuit, host_throttle, organization_cap,"
              + " backlog), summary, detail, since, until and href.")
  MessageView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    UUID org = caller.organizationId();
    MessageView view = detail(org, messages.get(org, id));
    MessageStates.Row row = states.row(states.forOrganization(org), org, view);
    return view.withRun(row.state(), row.hold(), row.attempts());
  }

  @GetMapping("/api/v1/messages")
  @Operation(summary = "List messages, newest first, filtered by queue, state and time")
  Page<MessageView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) String queue,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    if (state != null && !STATES.contains(state)) {
      throw ApiProblem.invalid(
          "state", "must be one of waiting, queued, delivered, failed, cancelled");
    }
    int n = Page.limit(limit);
    List<Message> rows =
        messages.list(
            caller.organizationId(),
            new Messages.Filter(queue, state, instant("from", from), instant("to", to), null),
            Page.cursor(cursor),
            n);
    return Page.of(rows, n, Message::id, m -> MessageView.of(m, secrets, null));
  }

  @PostMapping("/api/v1/messages/{id}/cancel")
  @Operation(summary = "Cancel a message not yet delivered (409 while it is being delivered)")
  MessageView cancel(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return MessageView.of(messages.cancel(caller.organizationId(), id), secrets, null);
  }

  @GetMapping("/api/v1/dlq")
  @Operation(summary = "List the dead-letter list, newest first, with filters")
  Page<MessageView> deadLetters(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) String queue,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(name = "status_code", required = false) Integer statusCode,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    List<Message> rows =
        deadLetters.list(
            caller.organizationId(),
            new DeadLetters.Filter(
                queue,
                instant("from", from),
                instant("to", to),
                StatusCodes.exactly(statusCode),
                null),
            Page.cursor(cursor),
            n);
    return Page.of(rows, n, Message::id, m -> MessageView.of(m, secrets, null));
  }

  @GetMapping("/api/v1/dlq/{id}")
  @Operation(summary = "Get a dead letter with its last response and every attempt")
  MessageView deadLetter(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return detail(caller.organizationId(), deadLetters.get(caller.organizationId(), id));
  }

  @DeleteMapping("/api/v1/dlq/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a dead letter")
  void deleteDeadLetter(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    deadLetters.delete(caller.organizationId(), id);
  }

  @PostMapping("/api/v1/dlq/{id}/redrive")
  @Operation(summary = "Send a dead letter again, now, with its full retry budget")
  MessageView redrive(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return MessageView.of(deadLetters.redrive(caller.organizationId(), id), secrets, null);
  }

  /**
   * @param filter which dead letters: queue, from, to (when they failed), status_code, url_prefix
   * @param dryRun only count them
   * @param ratePerSecond how fast they start again (default 10/s)
   */
  record RedriveRequest(RedriveFilter filter, Boolean dryRun, Integer ratePerSecond) {}

  record RedriveFilter(
      String queue, String from, String to, Integer statusCode, String urlPrefix) {}

  @PostMapping("/api/v1/dlq/redrive")
  @Operation(
      summary = "Redrive every dead letter matching a filter",
      description =
          "dry_run: true counts them first. Starts are spaced by rate_per_second (default 10)"
              + " so a replay cannot flood the target; at most 10,000 per call, and at most"
              + " what the key's rate limit holds (one unit per message). Refused (429) past the"
              + " waiting-message cap.")
  DeadLetters.RedriveResult redriveMatching(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody RedriveRequest request) {
    RedriveFilter f =
        request.filter() == null
            ? new RedriveFilter(null, null, null, null, null)
            : request.filter();
    return deadLetters.redrive(
        caller.organizationId(),
        new DeadLetters.Filter(
            f.queue(),
            instant("filter.from", f.from()),
            instant("filter.to", f.to()),
            StatusCodes.exactly(f.statusCode()),
            f.urlPrefix()),
        Boolean.TRUE.equals(request.dryRun()),
        request.ratePerSecond());
  }

  private MessageView detail(UUID organizationId, Message m) {
    return details.detail(organizationId, m);
  }

  private static Instant instant(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(field, "must be an RFC 3339 timestamp such as 2026-01-31T09:00:00Z");
    }
  }
}
