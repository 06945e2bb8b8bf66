package eu.runlater.queues;

import eu.runlater.engine.SecretBox;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
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

/** Topics: fan-out of one published message to every endpoint. */
@RestController
@RequestMapping("/api/v1/topics")
@Tag(name = "Topics")
class TopicsApi {
  private final Topics topics;
  private final SecretBox secrets;

  TopicsApi(Topics topics, SecretBox secrets) {
    this.topics = topics;
    this.secrets = secrets;
  }

  @PutMapping("/{name}")
  @Operation(
      summary = "Create a topic or replace its endpoints",
      description =
          "endpoints: 1 to 100 of {url, headers}; each URL once, checked like a message's url."
              + " Headers that carry credentials are stored encrypted and shown masked.")
  ResponseEntity<TopicView> put(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String name,
      @RequestBody(required = false) Topics.TopicInput input) {
    Topics.Put put = topics.put(caller.organizationId(), name, input);
    TopicView view = TopicView.of(put.topic(), secrets);
    return put.created()
        ? ResponseEntity.created(URI.create("/api/v1/topics/" + name)).body(view)
        : ResponseEntity.ok(view);
  }

  @GetMapping
  @Operation(summary = "List topics with their endpoints")
  List<TopicView> list(@AuthenticationPrincipal ApiPrincipal caller) {
    return topics.list(caller.organizationId()).stream()
        .map(t -> TopicView.of(t, secrets))
        .toList();
  }

  @GetMapping("/{name}")
  @Operation(summary = "Get a topic")
  TopicView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String name) {
    return TopicView.of(topics.get(caller.organizationId(), name), secrets);
  }

  @DeleteMapping("/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      summary = "Delete a topic",
      description = "Messages already published stay in their queues and are delivered.")
  void delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String name) {
    topics.delete(caller.organizationId(), name);
  }

  /**
   * @param messages one per endpoint, in the topic's order
   */
  record Published(String topic, List<Topics.Delivery> messages) {}

  @PostMapping("/{name}/messages")
  @Operation(
      summary = "Publish a message to every endpoint of a topic",
      description =
          "The body is a push without url (body, method, headers, delay or not_before, retries,"
              + " timeout_ms, callbacks, dedup_id, content_based_dedup, ordering_key, queue"
              + " (default 'default')). One independent message per endpoint, all in one"
              + " transaction; an endpoint's headers win over the message's. dedup_id applies per"
              + " endpoint: a repeat publish makes no new message. 201, or 200 when every endpoint"
              + " was deduplicated. Honours Idempotency-Key.")
  ResponseEntity<Published> publish(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String name,
      @RequestBody MessageInput input) {
    List<Topics.Delivery> deliveries = topics.publish(caller.organizationId(), name, input);
    Published body = new Published(name, deliveries);
    return deliveries.stream().allMatch(Topics.Delivery::deduplicated)
        ? ResponseEntity.ok(body)
        : ResponseEntity.status(HttpStatus.CREATED).body(body);
  }
}
