package eu.runlater.queues;

import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Queues: settings, pause and resume, and pushing messages to them. */
@RestController
@RequestMapping("/api/v1/queues")
@Tag(name = "Queues")
class QueuesApi {
  private final Queues queues;
  private final SinglePushes pushes;

  QueuesApi(Queues queues, SinglePushes pushes) {
    this.queues = queues;
    this.pushes = pushes;
  }

  @PutMapping("/{name}")
  @Operation(
      summary = "Create or replace a queue's settings",
      description =
          "parallelism (1-1000, default 10; 1 is strictly FIFO), rate {limit, per: second|minute},"
              + " retries (default 5), timeout_ms (default 30000), paused.")
  ResponseEntity<QueueView> put(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String name,
      @RequestBody(required = false) QueueInput input) {
    Queues.Put put =
        queues.put(
            caller.organizationId(),
            name,
            input == null ? new QueueInput(null, null, null, null, null) : input);
    QueueView view = view(caller.organizationId(), put.queue());
    return put.created()
        ? ResponseEntity.created(URI.create("/api/v1/queues/" + name)).body(view)
        : ResponseEntity.ok(view);
  }

  @GetMapping
  @Operation(summary = "List queues with their depth, in-flight and dead-letter counts")
  List<QueueView> list(@AuthenticationPrincipal ApiPrincipal caller) {
    Map<UUID, Queues.Stats> stats = queues.stats(caller.organizationId());
    return queues.list(caller.organizationId()).stream()
        .map(q -> QueueView.of(q, stats.getOrDefault(q.id(), Queues.Stats.NONE)))
        .toList();
  }

  @GetMapping("/{name}")
  @Operation(summary = "Get a queue")
  QueueView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String name) {
    return view(caller.organizationId(), queues.get(caller.organizationId(), name));
  }

  @DeleteMapping("/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      summary = "Delete a queue and its messages",
      description = "A message being delivered right now finishes; its history stays.")
  void delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String name) {
    queues.delete(caller.organizationId(), name);
  }

  @PostMapping("/{name}/pause")
  @Operation(summary = "Pause a queue: nothing new starts; released messages not started wait")
  QueueView pause(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String name) {
    return view(caller.organizationId(), queues.pause(caller.organizationId(), name));
  }

  @PostMapping("/{name}/resume")
  @Operation(summary = "Resume a paused queue")
  QueueView resume(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String name) {
    return view(caller.organizationId(), queues.resume(caller.organizationId(), name));
  }

  @PostMapping("/{name}/messages")
  @Operation(
      summary = "Push a message",
      description =
          "Creates the queue with the defaults if it does not exist. 201 with the message id;"
              + " 200 with deduplicated=true when dedup_id (or content_based_dedup) matches a"
              + " message pushed within 24 hours. Honours Idempotency-Key.")
  ResponseEntity<Messages.Pushed> push(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String name,
      @RequestBody MessageInput input) {
    Messages.Pushed pushed = pushes.push(caller.organizationId(), name, input);
    return pushed.deduplicated()
        ? ResponseEntity.ok(pushed)
        : ResponseEntity.created(URI.create("/api/v1/messages/" + pushed.messageId())).body(pushed);
  }

  private QueueView view(UUID organizationId, Queue queue) {
    return QueueView.of(queue, queues.stats(organizationId, queue.id()));
  }
}
