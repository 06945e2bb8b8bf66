package eu.runlater.queues;

import static eu.runlater.queues.MessagesQueries.MESSAGE_INSERT;
import static eu.runlater.queues.MessagesQueries.MESSAGE_STATES;
import static eu.runlater.queues.QueuesQueries.QUEUE_OWNED_UPSERT;

import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.platform.errors.FieldError;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The queues' flow control for another module's deliveries: a module that holds its own deliveries
 * to a rate and a parallelism (an inbound connection) owns a queue and pushes them as its messages,
 * in its own transaction, with the ids it chose. The queue then releases them as it releases any
 * message (at most {@code parallelism} unfinished, starts spaced by the rate, retries through the
 * rate gate, nothing while paused), and their engine tasks are of source kind {@code message} with
 * the message's id as source id, so the owner finds their attempts in the history by its own ids.
 *
 * <p>An owned queue shows in the queues list with its owner; its settings, pause and deletion go
 * through the owner only (the queues API answers 409), and nobody else pushes to it.
 */
@Service
public class QueueMessages {
  public static final int MAX_PARALLELISM = Queues.MAX_PARALLELISM;
  public static final int DEFAULT_PARALLELISM = Queue.DEFAULT_PARALLELISM;
  public static final int MAX_RATE = 100_000;

  private final JdbcClient jdbc;
  private final NamedParameterJdbcOperations batch;
  private final Queues queues;

  QueueMessages(JdbcClient jdbc, NamedParameterJdbcOperations batch, Queues queues) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.queues = queues;
  }

  /**
   * An owned queue's flow control.
   *
   * @param parallelism unfinished messages at most, 1 to {@link #MAX_PARALLELISM}
   * @param rateLimit starts per {@code ratePeriodMs}, or null for no rate
   * @param ratePeriodMs 1,000 (a second) or 60,000 (a minute); null with no rate
   */
  public record Limits(int parallelism, Integer rateLimit, Integer ratePeriodMs) {
    /** The period's word: {@code second} or {@code minute}; null with no rate. */
    public String per() {
      return ratePeriodMs == null ? null : ratePeriodMs == 60_000 ? "minute" : "second";
    }

    /**
     * Checks limits as the queues API does ({@code parallelism}, {@code rate.limit}, {@code
     * rate.per}, each problem under {@code prefix}); null when neither a parallelism nor a rate is
     * given (no flow control). With only a rate, the parallelism is the queues' default.
     */
    public static Limits check(
        Integer parallelism,
        Integer rateLimit,
        String per,
        String prefix,
        List<FieldError> errors) {
      if (parallelism == null && rateLimit == null && per == null) {
        return null;
      }
      int p = parallelism == null ? DEFAULT_PARALLELISM : parallelism;
      if (p < 1 || p > MAX_PARALLELISM) {
        errors.add(
            new FieldError(
                prefix + "parallelism",
                "must be 1 to " + MAX_PARALLELISM + " (1 delivers one at a time)"));
      }
      Integer period = null;
      if (rateLimit != null || per != null) {
        if (rateLimit == null || rateLimit < 1 || rateLimit > MAX_RATE) {
          errors.add(
              new FieldError(prefix + "rate.limit", "must be 1 to " + MAX_RATE + " per period"));
        }
        switch (per == null ? "second" : per.strip().toLowerCase(Locale.ROOT)) {
          case "second" -> period = 1_000;
          case "minute" -> period = 60_000;
          default -> errors.add(new FieldError(prefix + "rate.per", "must be second or minute"));
        }
      }
      return new Limits(p, rateLimit, rateLimit == null ? null : period);
    }
  }

  /**
   * One delivery to push.
   *
   * @param id the message's id, chosen by the owner: its engine tasks carry it as source id
   * @param request sealed as the engine takes it (a sealed URL is not supported here)
   * @param retries retries after the first attempt
   * @param notBefore not released before this time
   */
  public record Push(UUID id, TaskRequest request, int retries, Instant notBefore) {}

  /**
   * Creates the queue {@code name} for {@code owner} with these limits, or changes its limits, in
   * the caller's transaction; a pause stays as it was.
   */
  @Transactional
  public void own(UUID organizationId, String name, String owner, Limits limits, Instant now) {
    Queues.checkName(name);
    jdbc.sql(QUEUE_OWNED_UPSERT)
        .param("id", Ids.v7(now))
        .param("organization_id", organizationId)
        .param("name", name)
        .param("parallelism", limits.parallelism())
        .param("rate_limit", limits.rateLimit())
        .param("rate_period_ms", limits.ratePeriodMs())
        .param("retries", Queue.DEFAULT_RETRIES)
        .param("timeout_ms", Queue.DEFAULT_TIMEOUT_MS)
        .param("paused", false)
        .param("owner", owner)
        .param("now", SqlTime.ts(now))
        .update();
    queues.changed();
    queues
        .find(organizationId, name)
        .ifPresent(
            q -> {
              if (!owner.equals(q.owner())) {
                throw new IllegalStateException("queue " + name + " is not owned by " + owner);
              }
              queues.releaseAfterCommit(q.id()); // new limits may make room
            });
  }

  /**
   * Pushes deliveries to the owned queue {@code name} in the caller's transaction (creating it with
   * {@code limits} if it is missing); its release runs after the commit, and the leader's sweep
   * releases them should this node die first.
   */
  @Transactional
  public void push(
      UUID organizationId,
      String name,
      String owner,
      Limits limits,
      List<Push> messages,
      Instant now) {
    if (messages.isEmpty()) {
      return;
    }
    Queue queue = queues.find(organizationId, name).orElse(null);
    if (queue == null) {
      own(organizationId, name, owner, limits, now);
      queue = queues.get(organizationId, name);
    } else if (!owner.equals(queue.owner())) {
      throw new IllegalStateException("queue " + name + " is not owned by " + owner);
    }
    MapSqlParameterSource[] rows = new MapSqlParameterSource[messages.size()];
    Instant first = null;
    for (int i = 0; i < rows.length; i++) {
      Push m = messages.get(i);
      if (m.request().sealedUrl() != null) {
        throw new IllegalArgumentException("a queue message cannot carry a sealed URL");
      }
      rows[i] = row(organizationId, queue, m, now);
      first = first == null || m.notBefore().isBefore(first) ? m.notBefore() : first;
    }
    batch.batchUpdate(MESSAGE_INSERT, rows);
    queues.releaseAfterCommit(queue.id(), first);
  }

  /** Pauses the owned queue (if it exists): released messages not yet started wait again. */
  @Transactional
  public void pause(UUID organizationId, String name) {
    if (queues.find(organizationId, name).isPresent()) {
      queues.pauseQueue(organizationId, name);
    }
  }

  /** Resumes the owned queue (if it exists). */
  @Transactional
  public void resume(UUID organizationId, String name) {
    if (queues.find(organizationId, name).isPresent()) {
      queues.resumeQueue(organizationId, name);
    }
  }

  /**
   * Deletes the owned queue (if it exists) and its messages: those not yet started are withdrawn;
   * one being delivered finishes.
   */
  @Transactional
  public void drop(UUID organizationId, String name) {
    queues.find(organizationId, name).ifPresent(queues::deleteQueue);
  }

  /**
   * Where each of these messages stands: {@code waiting} (held by the queue's limits or pause),
   * {@code queued} (released: being delivered or retried), {@code delivered}, {@code failed} or
   * {@code cancelled}. Ids that are no message are left out.
   */
  public Map<UUID, String> states(UUID organizationId, Collection<UUID> ids) {
    Map<UUID, String> states = new HashMap<>();
    if (ids.isEmpty()) {
      return states;
    }
    jdbc.sql(MESSAGE_STATES)
        .param("organization_id", organizationId)
        .param("ids", ids.toArray(UUID[]::new))
        .query(
            (org.springframework.jdbc.core.RowCallbackHandler)
                rs -> states.put(rs.getObject("id", UUID.class), rs.getString("state")));
    return states;
  }

  private static MapSqlParameterSource row(UUID organizationId, Queue queue, Push m, Instant now) {
    TaskRequest r = m.request();
    return new MapSqlParameterSource()
        .addValue("id", m.id())
        .addValue("organization_id", organizationId)
        .addValue("queue_id", queue.id())
        .addValue("url", r.url())
        .addValue("method", r.method())
        .addValue("headers", HeaderCodec.toJson(r.headers()))
        .addValue("sealed_headers", r.sealedHeaders(), Types.BINARY)
        .addValue("secret_header_names", new String[0])
        .addValue("body", r.body(), Types.BINARY)
        .addValue("body_sealed", r.bodySealed())
        .addValue("timeout_ms", r.timeoutMs())
        .addValue("retries", m.retries())
        .addValue("not_before", SqlTime.ts(m.notBefore()))
        .addValue("ordering_key", null, Types.VARCHAR)
        .addValue("dedup_id", null, Types.VARCHAR)
        .addValue("callback_url", null, Types.VARCHAR)
        .addValue("failure_callback_url", null, Types.VARCHAR)
        .addValue("now", SqlTime.ts(now));
  }
}
