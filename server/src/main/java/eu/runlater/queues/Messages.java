package eu.runlater.queues;

import static eu.runlater.queues.MessagesQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.engine.Tasks;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.ratelimit.RequestQuota;
import eu.runlater.workflows.WorkflowStarts;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Messages: push (with delay, dedup and ordering), read, list and cancel. */
@Service
class Messages {
  static final Duration DEDUP_WINDOW = Duration.ofHours(24);
  static final int MAX_BATCH = 1_000;
  static final String DEFAULT_QUEUE = "default";

  private final JdbcClient jdbc;
  private final Queues queues;
  private final MessageRules rules;
  private final MessageStore store;
  private final InstantSource clock;
  private final Tasks tasks;
  private final TransactionalConnection connection;
  private final WorkflowStarts workflows;
  private final JsonMapper json;

  Messages(
      JdbcClient jdbc,
      Queues queues,
      MessageRules rules,
      MessageStore store,
      InstantSource clock,
      Tasks tasks,
      TransactionalConnection connection,
      WorkflowStarts workflows,
      JsonMapper json) {
    this.workflows = workflows;
    this.json = json;
    this.jdbc = jdbc;
    this.queues = queues;
    this.rules = rules;
    this.store = store;
    this.clock = clock;
    this.tasks = tasks;
    this.connection = connection;
  }

  /** What a push did: a new message, or the one a dedup id already names. */
  public record Pushed(UUID messageId, String queue, boolean deduplicated, Instant notBefore) {}

  /** Pushes one message to a queue (created with the defaults if it does not exist). */
  @Transactional
  public Pushed push(UUID organizationId, String queueName, MessageInput input) {
    Checked checked = checkOne(organizationId, queueName, input);
    return storeAll(List.of(checked), clock.instant()).getFirst().getFirst();
  }

  /**
   * Checks one push to {@code queueName} (422 naming the fields, nothing changed) and charges its
   * caller's rate limit; needs no transaction.
   */
  Checked checkOne(UUID organizationId, String queueName, MessageInput input) {
    Queues.checkName(queueName);
    if (input.queue() != null && !input.queue().equals(queueName)) {
      throw ApiProblem.invalid(
          "queue", "names another queue than the path; leave it out (the path names the queue)");
    }
    Instant now = clock.instant();
    Checked checked =
        check(
            organizationId,
            List.of(
                new Pending(
                    queueName,
                    (timeout, errors) ->
                        rules.validate(MessageRules.withTimeout(input, timeout), now, errors))),
            i -> "");
    RequestQuota.chargeMessages(1);
    return checked;
  }

  /**
   * Pushes up to {@link #MAX_BATCH} messages, all or none: every invalid one is reported by index
   * ({@code messages[3].url}) and then nothing is stored. A message without a queue goes to {@code
   * default}.
   */
  @Transactional
  public List<Pushed> pushBatch(UUID organizationId, List<MessageInput> inputs) {
    if (inputs == null || inputs.isEmpty() || inputs.size() > MAX_BATCH) {
      throw ApiProblem.invalid(
          "messages",
          "must hold 1 to "
              + MAX_BATCH
              + " messages"
              + (inputs == null ? "" : " (it holds " + inputs.size() + ")"));
    }
    Instant now = clock.instant();
    List<Pending> pending = new ArrayList<>(inputs.size());
    for (MessageInput in : inputs) {
      if (in == null) {
        pending.add(
            new Pending(
                DEFAULT_QUEUE,
                (t, errors) -> {
                  errors.add(new FieldError("", "must be a message object"));
                  return null;
                }));
        continue;
      }
      String queue = in.queue() == null ? DEFAULT_QUEUE : in.queue();
      pending.add(
          new Pending(
              queue, (t, errors) -> rules.validate(MessageRules.withTimeout(in, t), now, errors)));
    }
    return pushAll(organizationId, pending, i -> "messages[" + i + "].", now);
  }

  /**
   * One message to push: its queue, and its check, which gets the queue's timeout (for a message
   * that gives none) and adds its problems to the list.
   */
  public record Pending(
      String queue, BiFunction<Integer, List<FieldError>, MessageRules.Draft> check) {}

  /**
   * Checks every message first (each problem named under {@code prefix(i)}), then stores them all
   * in the caller's transaction, creating missing queues once and releasing each queue once after
   * commit.
   */
  @Transactional
  public List<Pushed> pushAll(
      UUID organizationId, List<Pending> pending, IntFunction<String> prefix, Instant now) {
    Checked checked = check(organizationId, pending, prefix);
    // A push costs its caller's rate limit one unit per message (the request paid one already).
    RequestQuota.chargeMessages(pending.size());
    return storeAll(List.of(checked), now).getFirst();
  }

  /**
   * Messages checked and ready to store: their organization, the queues they name (and the ones of
   * those that existed when checked), their queue names and drafts in order.
   */
  record Checked(
      UUID organizationId,
      Set<String> names,
      Map<String, Queue> existing,
      List<String> queueNames,
      List<MessageRules.Draft> drafts) {}

  /**
   * Checks every message (each problem named under {@code prefix(i)}), reading the queues they
   * name; throws one 422 naming them all, having changed nothing. Needs no transaction.
   */
  Checked check(UUID organizationId, List<Pending> pending, IntFunction<String> prefix) {
    Set<String> names = new HashSet<>();
    for (Pending p : pending) {
      if (p.queue() != null && Queues.NAME.matcher(p.queue()).matches()) {
        names.add(p.queue());
      }
    }
    Map<String, Queue> existing = store.findChecked(organizationId, names);
    List<FieldError> errors = new ArrayList<>();
    List<MessageRules.Draft> drafts = new ArrayList<>(pending.size());
    List<String> queueNames = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      List<FieldError> own = new ArrayList<>();
      if (!names.contains(p.queue())) {
        own.add(
            new FieldError(
                "queue",
                "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or"
                    + " digit"));
      }
      Queue queue = existing.get(p.queue());
      if (queue != null && queue.owner() != null) {
        own.add(
            new FieldError(
                "queue", "belongs to an " + queue.owner() + "; push to a queue of your own"));
      }
      MessageRules.Draft draft =
          p.check().apply(queue == null ? Queue.DEFAULT_TIMEOUT_MS : queue.timeoutMs(), own);
      if (draft != null) {
        checkWorkflow(organizationId, draft, own);
      }
      for (FieldError e : own) {
        String field = prefix.apply(i) + e.field();
        if (field.endsWith(".")) {
          field = field.substring(0, field.length() - 1); // the item itself
        }
        errors.add(new FieldError(field, e.message()));
      }
      drafts.add(draft);
      queueNames.add(p.queue());
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return new Checked(organizationId, names, existing, queueNames, drafts);
  }

  /**
   * Stores checked pushes in the caller's transaction, in order (a later one deduplicated against
   * an earlier one as if they came one after the other), with one set of statements for each
   * organization; answers each push with its messages. Missing queues are created once.
   */
  List<List<Pushed>> storeAll(List<Checked> pushes, Instant now) {
    Map<UUID, List<Integer>> byOrganization = new LinkedHashMap<>();
    for (int i = 0; i < pushes.size(); i++) {
      byOrganization.computeIfAbsent(pushes.get(i).organizationId(), o -> new ArrayList<>()).add(i);
    }
    List<List<Pushed>> answers = new ArrayList<>(Collections.nCopies(pushes.size(), null));
    byOrganization.forEach(
        (organizationId, indexes) -> {
          Set<String> names = new HashSet<>();
          Map<String, Queue> existing = new HashMap<>();
          for (int i : indexes) {
            Checked c = pushes.get(i);
            names.addAll(c.names());
            existing.putAll(c.existing());
          }
          // Queues that all existed when checked are not read again (as one push does).
          Map<String, Queue> queues =
              existing.size() == names.size()
                  ? existing
                  : store.findOrCreate(organizationId, names, now);
          List<MessageStore.Item> items = new ArrayList<>();
          for (int i : indexes) {
            Checked c = pushes.get(i);
            for (int m = 0; m < c.drafts().size(); m++) {
              items.add(
                  new MessageStore.Item(queues.get(c.queueNames().get(m)), c.drafts().get(m)));
            }
          }
          List<Pushed> stored = store.store(organizationId, items, now);
          int from = 0;
          for (int i : indexes) {
            int n = pushes.get(i).drafts().size();
            answers.set(i, stored.subList(from, from + n));
            from += n;
          }
        });
    return answers;
  }

  /** A message to a workflow: the workflow exists, is not archived, and takes the body. */
  private void checkWorkflow(UUID organizationId, MessageRules.Draft draft, List<FieldError> own) {
    var key = WorkflowStarts.key(draft.request().url());
    if (key.isPresent()) {
      own.addAll(
          workflows.check(
              organizationId,
              key.get(),
              json.readTree(draft.request().body()),
              "workflow",
              "body"));
    }
  }

  public Message get(UUID organizationId, UUID id) {
    return find(organizationId, id).orElseThrow(() -> ApiProblem.notFound("message", id));
  }

  public Optional<Message> find(UUID organizationId, UUID id) {
    return jdbc.sql(MESSAGE_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> Message.map(rs, true))
        .optional();
  }

  /** Filters for lists of messages; null fields do not filter. */
  record Filter(String queue, String state, Instant from, Instant to, StatusCodes statusCodes) {}

  public List<Message> list(UUID organizationId, Filter filter, UUID cursor, int limit) {
    return jdbc.sql(MESSAGE_LIST)
        .param("organization_id", organizationId)
        .param("queue", filter.queue())
        .param("state", filter.state())
        .param("from", SqlTime.ts(filter.from()))
        .param("to", SqlTime.ts(filter.to()))
        .param("status_min", StatusCodes.min(filter.statusCodes()))
        .param("status_max", StatusCodes.max(filter.statusCodes()))
        .param("cursor", cursor)
        .param("limit", limit + 1)
        .query((rs, n) -> Message.map(rs, true))
        .list();
  }

  /** The newest messages to any of {@code urls} (a topic's endpoints), newest first. */
  public List<Message> recentTo(UUID organizationId, List<String> urls, int limit) {
    if (urls.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(MESSAGES_TO_URLS)
        .param("organization_id", organizationId)
        .param("urls", new SqlArrayValue("text", urls.toArray()))
        .param("limit", limit)
        .query((rs, n) -> Message.map(rs, true))
        .list();
  }

  /**
   * Cancels a message not yet delivered: one waiting in its queue, or released but not started (or
   * waiting for a retry). One being delivered right now cannot be recalled: 409.
   */
  @Transactional
  public Message cancel(UUID organizationId, UUID id) {
    Instant now = clock.instant();
    Message message = get(organizationId, id);
    Optional<UUID> queueId =
        jdbc.sql(MESSAGE_CANCEL_WAITING)
            .param("organization_id", organizationId)
            .param("id", id)
            .param("now", SqlTime.ts(now))
            .query((rs, n) -> rs.getObject(1, UUID.class))
            .optional();
    if (queueId.isEmpty() && "queued".equals(message.state())) {
      List<UUID> withdrawn;
      try {
        withdrawn = tasks.deletePending(connection.current(), organizationId, List.of(id), false);
      } catch (SQLException e) {
        throw new IllegalStateException("could not withdraw message " + id, e);
      }
      if (withdrawn.isEmpty()) {
        throw ApiProblem.conflict(
            "message-in-flight",
            "Message " + id + " is being delivered right now and cannot be cancelled.");
      }
      queueId =
          jdbc.sql(MESSAGE_CANCEL_QUEUED)
              .param("id", id)
              .param("now", SqlTime.ts(now))
              .query((rs, n) -> rs.getObject(1, UUID.class))
              .optional();
    }
    if (queueId.isEmpty()) {
      throw ApiProblem.conflict(
          "message-finished",
          "Message "
              + id
              + " is already "
              + message.state()
              + "; only undelivered messages can be"
              + " cancelled.");
    }
    queues.releaseAfterCommit(queueId.get());
    return get(organizationId, id);
  }
}
