package eu.runlater.queues;

import static eu.runlater.queues.TopicsQueries.*;

import eu.runlater.engine.Header;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Topics: fan-out. Publishing pushes one message per endpoint in one transaction; each is an
 * independent message (delivered, retried and dead-lettered on its own).
 */
@Service
class Topics {
  static final int MAX_ENDPOINTS = 100;

  private final JdbcClient jdbc;
  private final RequestRules rules;
  private final SecretBox secrets;
  private final Messages messages;
  private final MessageRules messageRules;
  private final InstantSource clock;

  Topics(
      JdbcClient jdbc,
      RequestRules rules,
      SecretBox secrets,
      Messages messages,
      MessageRules messageRules,
      InstantSource clock) {
    this.jdbc = jdbc;
    this.rules = rules;
    this.secrets = secrets;
    this.messages = messages;
    this.messageRules = messageRules;
    this.clock = clock;
  }

  /**
   * @param endpoints 1 to 100, each URL once
   */
  record TopicInput(List<EndpointInput> endpoints) {}

  /**
   * @param headers sent with every message to this endpoint (over a published message's own)
   */
  record EndpointInput(String url, LinkedHashMap<String, String> headers) {}

  record Put(Topic topic, boolean created) {}

  /** Creates a topic or replaces its endpoints. */
  @Transactional
  public Put put(UUID organizationId, String name, TopicInput input) {
    Queues.checkName(name);
    List<TaskRequest> endpoints = endpoints(input);
    Instant now = clock.instant();
    var upserted =
        jdbc.sql(TOPIC_UPSERT)
            .param("id", Ids.v7(now))
            .param("organization_id", organizationId)
            .param("name", name)
            .param("now", SqlTime.ts(now))
            .query(
                (rs, n) -> new Object[] {rs.getObject("id", UUID.class), rs.getBoolean("created")})
            .single();
    UUID id = (UUID) upserted[0];
    jdbc.sql(TOPIC_ENDPOINTS_CLEAR).param("id", id).update();
    for (int i = 0; i < endpoints.size(); i++) {
      TaskRequest e = endpoints.get(i);
      jdbc.sql(TOPIC_ENDPOINT_INSERT)
          .param("topic_id", id)
          .param("organization_id", organizationId)
          .param("position", i)
          .param("url", e.url())
          .param("headers", HeaderCodec.toJson(e.headers()))
          .param("sealed_headers", e.sealedHeaders(), Types.BINARY)
          .update();
    }
    return new Put(get(organizationId, name), (Boolean) upserted[1]);
  }

  /** Checks the endpoints; each comes back with its credentials' headers sealed. */
  private List<TaskRequest> endpoints(TopicInput input) {
    List<FieldError> errors = new ArrayList<>();
    List<EndpointInput> given = input == null ? null : input.endpoints();
    if (given == null || given.isEmpty() || given.size() > MAX_ENDPOINTS) {
      throw ApiProblem.invalid("endpoints", "must list 1 to " + MAX_ENDPOINTS + " endpoints");
    }
    List<TaskRequest> checked = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String prefix = "endpoints[" + i + "].";
      EndpointInput e = given.get(i);
      if (e == null) {
        errors.add(new FieldError("endpoints[" + i + "]", "must be an endpoint object"));
        continue;
      }
      List<FieldError> own = new ArrayList<>();
      String url = rules.url(e.url(), own);
      List<Header> headers = RequestRules.headers(e.headers(), null, own);
      if (url != null && !seen.add(url)) {
        own.add(new FieldError("url", "appears twice in this topic; list each endpoint once"));
      }
      for (FieldError f : own) {
        errors.add(new FieldError(prefix + f.field(), f.message()));
      }
      if (own.isEmpty()) {
        checked.add(
            SealedRequests.seal(
                secrets, url, "POST", headers, Set.of(), null, false, TaskRequest.MIN_TIMEOUT_MS));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return checked;
  }

  public Topic get(UUID organizationId, String name) {
    return jdbc.sql(TOPIC_BY_NAME)
        .param("organization_id", organizationId)
        .param("name", name)
        .query((rs, n) -> Topic.map(rs))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("topic", name));
  }

  public List<Topic> list(UUID organizationId) {
    return jdbc.sql(TOPIC_LIST)
        .param("organization_id", organizationId)
        .query((rs, n) -> Topic.map(rs))
        .list();
  }

  @Transactional
  public void delete(UUID organizationId, String name) {
    int deleted =
        jdbc.sql(TOPIC_DELETE)
            .param("organization_id", organizationId)
            .param("name", name)
            .update();
    if (deleted == 0) {
      throw ApiProblem.notFound("topic", name);
    }
  }

  /** What a publish did for one endpoint. */
  public record Delivery(String endpoint, UUID messageId, String queue, boolean deduplicated) {}

  /**
   * Publishes one message to every endpoint of the topic, all or none. The message is a push body
   * without url; an endpoint's own headers win over the message's. A dedup_id applies per endpoint,
   * so publishing again with it makes no new message anywhere.
   */
  @Transactional
  public List<Delivery> publish(UUID organizationId, String name, MessageInput input) {
    Topic topic = get(organizationId, name);
    if (input.url() != null) {
      throw ApiProblem.invalid("url", "a topic delivers to its endpoints; leave url out");
    }
    Instant now = clock.instant();
    String queue = input.queue() == null ? Messages.DEFAULT_QUEUE : input.queue();
    List<Messages.Pending> pending = new ArrayList<>();
    for (Topic.Endpoint endpoint : topic.endpoints()) {
      MessageInput one = forEndpoint(input, endpoint);
      pending.add(
          new Messages.Pending(
              queue,
              (timeout, errors) -> {
                MessageRules.Draft draft =
                    messageRules.validate(MessageRules.withTimeout(one, timeout), now, errors);
                return draft == null || draft.dedupId() == null
                    ? draft
                    : draft.withDedupId(draft.dedupId() + "@" + endpoint.url());
              }));
    }
    List<Messages.Pushed> pushed;
    try {
      pushed = messages.pushAll(organizationId, pending, i -> "", now);
    } catch (ApiProblem problem) {
      // Every endpoint reports the same problems of the shared message: once is enough.
      throw ApiProblem.invalid(List.copyOf(new LinkedHashSet<>(problem.errors())));
    }
    List<Delivery> deliveries = new ArrayList<>();
    for (int i = 0; i < pushed.size(); i++) {
      Messages.Pushed p = pushed.get(i);
      deliveries.add(
          new Delivery(topic.endpoints().get(i).url(), p.messageId(), p.queue(), p.deduplicated()));
    }
    return deliveries;
  }

  private MessageInput forEndpoint(MessageInput in, Topic.Endpoint endpoint) {
    LinkedHashMap<String, String> headers = new LinkedHashMap<>();
    if (in.headers() != null) {
      headers.putAll(in.headers());
    }
    TaskRequest stored =
        new TaskRequest(
            endpoint.url(),
            "POST",
            endpoint.headers(),
            endpoint.sealedHeaders(),
            null,
            false,
            TaskRequest.MIN_TIMEOUT_MS);
    for (Header h : SealedRequests.openHeaders(secrets, stored)) {
      headers.keySet().removeIf(k -> k.equalsIgnoreCase(h.name()));
      headers.put(h.name(), h.value());
    }
    return in.to(endpoint.url(), headers, in.timeoutMs());
  }
}
