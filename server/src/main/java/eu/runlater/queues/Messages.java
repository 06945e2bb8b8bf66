package eu.runlater.queues;

import static eu.runlater.queues.QueuesQueries.*;

import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.TaskRequest;
import eu.runlater.engine.Tasks;
import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.engine.db.SqlTime;
import eu.runlater.engine.http.Header;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import eu.runlater.platform.requests.SealedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Messages: push (with delay, dedup and ordering), read, list and cancel. */
@Service
public class Messages {
  static final Duration MAX_DELAY = Duration.ofDays(365);
  static final Duration DEDUP_WINDOW = Duration.ofHours(24);
  static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{1,128}");

  private final JdbcClient jdbc;
  private final Queues queues;
  private final RequestRules rules;
  private final SecretBox secrets;
  private final InstantSource clock;
  private final Tasks tasks;
  private final TransactionalConnection connection;

  Messages(
      JdbcClient jdbc,
      Queues queues,
      RequestRules rules,
      SecretBox secrets,
      InstantSource clock,
      Tasks tasks,
      TransactionalConnection connection) {
    this.jdbc = jdbc;
    this.queues = queues;
    this.rules = rules;
    this.secrets = secrets;
    this.clock = clock;
    this.tasks = tasks;
    this.connection = connection;
  }

  /** A checked message, its secrets still in the clear. */
  record Draft(
      RequestRules.Draft request,
      Integer retries,
      Instant notBefore,
      String callbackUrl,
      String failureCallbackUrl,
      String dedupId,
      boolean contentBasedDedup,
      String orderingKey) {}

  /** What a push did: a new message, or the one a dedup id already names. */
  public record Pushed(UUID messageId, String queue, boolean deduplicated, Instant notBefore) {}

  /** Checks a message; every problem is reported at once, and nothing is stored. */
  Draft validate(MessageInput in, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    RequestRules.Draft request =
        rules.request(
            in.url(),
            in.method(),
            in.headers(),
            in.secretHeaders(),
            in.body(),
            in.secretBody(),
            in.timeoutMs(),
            errors);
    if (in.retries() != null) {
      RequestRules.retries(in.retries(), 0, errors);
    }
    Instant notBefore = notBefore(in.delay(), in.notBefore(), now, errors);
    String callback =
        in.callbackUrl() == null ? null : rules.url("callback_url", in.callbackUrl(), errors);
    String failureCallback =
        in.failureCallbackUrl() == null
            ? null
            : rules.url("failure_callback_url", in.failureCallbackUrl(), errors);
    boolean contentDedup = Boolean.TRUE.equals(in.contentBasedDedup());
    if (in.dedupId() != null) {
      checkToken("dedup_id", in.dedupId(), errors);
      if (contentDedup) {
        errors.add(
            new FieldError(
                "content_based_dedup", "give either dedup_id or content_based_dedup, not both"));
      }
    }
    if (in.orderingKey() != null) {
      checkToken("ordering_key", in.orderingKey(), errors);
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return new Draft(
        request,
        in.retries(),
        notBefore,
        callback,
        failureCallback,
        in.dedupId(),
        contentDedup,
        in.orderingKey());
  }

  private static void checkToken(String field, String value, List<FieldError> errors) {
    if (!TOKEN.matcher(value).matches()) {
      errors.add(
          new FieldError(field, "must be 1 to 128 visible ASCII characters, without spaces"));
    }
  }

  static Instant notBefore(String delay, String at, Instant now, List<FieldError> errors) {
    if (delay != null && at != null) {
      errors.add(new FieldError("delay", "give either delay or not_before, not both"));
      return now;
    }
    Instant when = now;
    if (delay != null) {
      Duration d = RequestRules.parseDelay(delay);
      if (d == null) {
        errors.add(
            new FieldError(
                "delay", "must look like 500ms, 90s, 15m, 2h, 1d or an ISO-8601 duration"));
        return now;
      }
      when = now.plus(d);
    } else if (at != null) {
      try {
        when = OffsetDateTime.parse(at).toInstant();
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(
                "not_before", "must be an RFC 3339 timestamp such as 2026-01-31T09:00:00Z"));
        return now;
      }
      if (when.isBefore(now.minus(PAST_TOLERANCE))) {
        errors.add(new FieldError("not_before", "is in the past; leave it out to deliver now"));
        return now;
      }
    }
    if (when.isAfter(now.plus(MAX_DELAY))) {
      errors.add(
          new FieldError(delay != null ? "delay" : "not_before", "must be at most one year ahead"));
    }
    return when.isBefore(now) ? now : when;
  }

  /** Pushes one message to a queue (created with the defaults if it does not exist). */
  @Transactional
  public Pushed push(UUID organizationId, String queueName, MessageInput input) {
    Queues.checkName(queueName);
    Instant now = clock.instant();
    Optional<Queue> existing = queues.find(organizationId, queueName);
    MessageInput withDefaults =
        input.timeoutMs() != null
            ? input
            : withTimeout(input, existing.map(Queue::timeoutMs).orElse(Queue.DEFAULT_TIMEOUT_MS));
    Draft draft = validate(withDefaults, now);
    Queue queue = existing.orElseGet(() -> queues.getOrCreate(organizationId, queueName));
    UUID id = Ids.v7(now);

    String dedupKey =
        draft.dedupId() != null
            ? draft.dedupId()
            : draft.contentBasedDedup() ? contentKey(draft.request()) : null;
    if (dedupKey != null) {
      Optional<UUID> claimed =
          jdbc.sql(DEDUP_CLAIM)
              .param("queue_id", queue.id())
              .param("dedup_id", dedupKey)
              .param("message_id", id)
              .param("expires_at", SqlTime.ts(now.plus(DEDUP_WINDOW)))
              .param("now", SqlTime.ts(now))
              .query((rs, n) -> rs.getObject(1, UUID.class))
              .optional();
      if (claimed.isEmpty()) {
        UUID holder =
            jdbc.sql(DEDUP_HOLDER)
                .param("queue_id", queue.id())
                .param("dedup_id", dedupKey)
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .single();
        return new Pushed(holder, queue.name(), true, null);
      }
    }

    SealedRequest sealed = SealedRequest.of(secrets, draft.request());
    TaskRequest r = sealed.request();
    jdbc.sql(MESSAGE_INSERT)
        .param("id", id)
        .param("organization_id", organizationId)
        .param("queue_id", queue.id())
        .param("url", r.url())
        .param("method", r.method())
        .param("headers", HeaderCodec.toJson(r.headers()))
        .param("sealed_headers", r.sealedHeaders())
        .param("secret_header_names", sealed.secretHeaderNames().toArray(String[]::new))
        .param("body", r.body())
        .param("body_sealed", r.bodySealed())
        .param("timeout_ms", r.timeoutMs())
        .param("retries", draft.retries() == null ? queue.retries() : draft.retries())
        .param("not_before", SqlTime.ts(draft.notBefore()))
        .param("ordering_key", draft.orderingKey())
        .param("dedup_id", dedupKey)
        .param("callback_url", draft.callbackUrl())
        .param("failure_callback_url", draft.failureCallbackUrl())
        .param("now", SqlTime.ts(now))
        .update();
    queues.releaseAfterCommit(queue.id(), draft.notBefore());
    return new Pushed(id, queue.name(), false, draft.notBefore());
  }

  private static MessageInput withTimeout(MessageInput in, int timeoutMs) {
    return new MessageInput(
        in.url(),
        in.method(),
        in.headers(),
        in.secretHeaders(),
        in.body(),
        in.secretBody(),
        timeoutMs,
        in.retries(),
        in.delay(),
        in.notBefore(),
        in.callbackUrl(),
        in.failureCallbackUrl(),
        in.dedupId(),
        in.contentBasedDedup(),
        in.orderingKey());
  }

  /** SHA-256 over what is sent: method, URL, headers and body. */
  static String contentKey(RequestRules.Draft request) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((request.method() + "\n" + request.url() + "\n").getBytes(StandardCharsets.UTF_8));
      for (Header h : request.headers()) {
        sha.update((h.name() + ":" + h.value() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (request.body() != null) {
        sha.update(request.body());
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Message get(UUID organizationId, UUID id) {
    return jdbc.sql(MESSAGE_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> Message.map(rs, true))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("message", id));
  }

  /** Filters for lists of messages; null fields do not filter. */
  record Filter(String queue, String state, Instant from, Instant to, Integer statusCode) {}

  public List<Message> list(UUID organizationId, Filter filter, UUID cursor, int limit) {
    return jdbc.sql(MESSAGE_LIST)
        .param("organization_id", organizationId)
        .param("queue", filter.queue())
        .param("state", filter.state())
        .param("from", SqlTime.ts(filter.from()))
        .param("to", SqlTime.ts(filter.to()))
        .param("status_code", filter.statusCode())
        .param("cursor", cursor)
        .param("limit", limit + 1)
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
