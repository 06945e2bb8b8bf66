package eu.runlater.queues;

import static eu.runlater.queues.MessagesQueries.MESSAGES_BACK_TO_WAITING;
import static eu.runlater.queues.MessagesQueries.MESSAGES_QUEUED_OF_QUEUE;
import static eu.runlater.queues.QueueStatsQueries.*;
import static eu.runlater.queues.QueuesQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.Tasks;
import eu.runlater.platform.database.ChangeFeed;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Queues: their settings, pause and resume, and how many messages each holds. */
@Service
class Queues {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final int MAX_PARALLELISM = 1_000;

  /** The {@link ChangeFeed} topic of queues' settings (queues V9's triggers). */
  static final String CHANGES = "queues";

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final Tasks tasks;
  private final TransactionalConnection connection;
  private final Releaser releaser;
  private final ChangeFeed changes;

  Queues(
      JdbcClient jdbc,
      InstantSource clock,
      Tasks tasks,
      TransactionalConnection connection,
      Releaser releaser,
      ChangeFeed changes) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.tasks = tasks;
    this.connection = connection;
    this.releaser = releaser;
    this.changes = changes;
  }

  /**
   * A queue's settings changed, or it went: this node's copies ({@link MessageStore#findChecked})
   * are stale at once; other nodes hear of it from the triggers.
   */
  void changed() {
    changes.changed(CHANGES);
  }

  /**
   * What a queue holds now, and what it finished in the last minute.
   *
   * @param deliveredLastMinute messages delivered in the last 60 seconds
   * @param failedLastMinute messages that exhausted their retries in the last 60 seconds
   */
  record Stats(
      long waiting, long inFlight, long dead, long deliveredLastMinute, long failedLastMinute) {
    static final Stats NONE = new Stats(0, 0, 0, 0, 0);

    static Stats map(java.sql.ResultSet rs) throws java.sql.SQLException {
      return new Stats(
          rs.getLong("waiting"),
          rs.getLong("in_flight"),
          rs.getLong("dead"),
          rs.getLong("delivered_last_minute"),
          rs.getLong("failed_last_minute"));
    }

    /** Messages finished per second over the last minute. */
    double finishedPerSecond() {
      return (deliveredLastMinute + failedLastMinute) / 60.0;
    }
  }

  /** The window of the measured rate. */
  static final java.time.Duration RATE_WINDOW = java.time.Duration.ofMinutes(1);

  /** A queue name as a path segment: letters, digits, . _ -, up to 64. */
  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ApiProblem.invalid(
          "name",
          "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
  }

  private record Settings(
      int parallelism,
      Integer rateLimit,
      Integer ratePeriodMs,
      int retries,
      int timeoutMs,
      boolean paused) {}

  private static Settings settings(QueueInput in) {
    List<FieldError> errors = new ArrayList<>();
    int parallelism = in.parallelism() == null ? Queue.DEFAULT_PARALLELISM : in.parallelism();
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      errors.add(
          new FieldError(
              "parallelism",
              "must be 1 to " + MAX_PARALLELISM + " (1 delivers strictly in order)"));
    }
    Integer rateLimit = null;
    Integer ratePeriod = null;
    if (in.rate() != null) {
      rateLimit = in.rate().limit();
      if (rateLimit == null || rateLimit < 1 || rateLimit > 100_000) {
        errors.add(new FieldError("rate.limit", "must be 1 to 100000 starts per period"));
      }
      String per = in.rate().per() == null ? "second" : in.rate().per().toLowerCase(Locale.ROOT);
      switch (per) {
        case "second" -> ratePeriod = 1_000;
        case "minute" -> ratePeriod = 60_000;
        default -> errors.add(new FieldError("rate.per", "must be 'second' or 'minute'"));
      }
    }
    int retries = RequestRules.retries(in.retries(), Queue.DEFAULT_RETRIES, errors);
    int timeout = RequestRules.timeout(in.timeoutMs(), errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return new Settings(
        parallelism, rateLimit, ratePeriod, retries, timeout, Boolean.TRUE.equals(in.paused()));
  }

  record Put(Queue queue, boolean created) {}

  /** Creates or replaces a queue's settings. */
  @Transactional
  public Put put(UUID organizationId, String name, QueueInput input) {
    checkName(name);
    find(organizationId, name).ifPresent(Queues::notOwned);
    Settings s = settings(input);
    Instant now = clock.instant();
    boolean created =
        jdbc.sql(QUEUE_UPSERT)
            .param("id", Ids.v7(now))
            .param("organization_id", organizationId)
            .param("name", name)
            .param("parallelism", s.parallelism())
            .param("rate_limit", s.rateLimit())
            .param("rate_period_ms", s.ratePeriodMs())
            .param("retries", s.retries())
            .param("timeout_ms", s.timeoutMs())
            .param("paused", s.paused())
            .param("now", eu.runlater.engine.SqlTime.ts(now))
            .query((rs, n) -> rs.getBoolean("created"))
            .single();
    changed();
    Queue queue = get(organizationId, name);
    if (queue.paused()) {
      pullBack(queue);
    }
    releaseAfterCommit(queue.id());
    return new Put(queue, created);
  }

  public Queue get(UUID organizationId, String name) {
    return find(organizationId, name).orElseThrow(() -> ApiProblem.notFound("queue", name));
  }

  java.util.Optional<Queue> find(UUID organizationId, String name) {
    return jdbc.sql(QUEUE_BY_NAME)
        .param("organization_id", organizationId)
        .param("name", name)
        .query((rs, n) -> Queue.map(rs))
        .optional();
  }

  /** The queue a push names, created with the defaults if it does not exist yet. */
  Queue getOrCreate(UUID organizationId, String name) {
    checkName(name);
    return find(organizationId, name)
        .orElseGet(
            () -> {
              Instant now = clock.instant();
              jdbc.sql(QUEUE_CREATE_DEFAULT)
                  .param("id", Ids.v7(now))
                  .param("organization_id", organizationId)
                  .param("name", name)
                  .param("parallelism", Queue.DEFAULT_PARALLELISM)
                  .param("retries", Queue.DEFAULT_RETRIES)
                  .param("timeout_ms", Queue.DEFAULT_TIMEOUT_MS)
                  .param("now", eu.runlater.engine.SqlTime.ts(now))
                  .update();
              return get(organizationId, name);
            });
  }

  public List<Queue> list(UUID organizationId) {
    return jdbc.sql(QUEUE_LIST)
        .param("organization_id", organizationId)
        .query((rs, n) -> Queue.map(rs))
        .list();
  }

  public Map<UUID, Stats> stats(UUID organizationId) {
    Map<UUID, Stats> stats = new HashMap<>();
    jdbc.sql(QUEUE_STATS)
        .param("organization_id", organizationId)
        .param("since", eu.runlater.engine.SqlTime.ts(clock.instant().minus(RATE_WINDOW)))
        .param("cap", Long.MAX_VALUE)
        .query(
            (org.springframework.jdbc.core.RowCallbackHandler)
                rs -> stats.put(rs.getObject("id", UUID.class), Stats.map(rs)));
    return stats;
  }

  /** One queue's figures, as {@link #stats(UUID)} gives them for all. */
  public Stats stats(UUID organizationId, UUID queueId) {
    return jdbc.sql(QUEUE_STATS_ONE)
        .param("organization_id", organizationId)
        .param("id", queueId)
        .param("since", eu.runlater.engine.SqlTime.ts(clock.instant().minus(RATE_WINDOW)))
        .param("cap", Long.MAX_VALUE)
        .query((rs, n) -> Stats.map(rs))
        .optional()
        .orElse(Stats.NONE);
  }

  /**
   * Deletes a queue and its messages. Messages not yet started are withdrawn from the engine; one
   * being delivered right now finishes, and its outcome stays in the execution history.
   */
  @Transactional
  public void delete(UUID organizationId, String name) {
    deleteQueue(notOwned(get(organizationId, name)));
  }

  void deleteQueue(Queue queue) {
    withdraw(queue, false);
    jdbc.sql(QueuesQueries.QUEUE_MESSAGES_DELETE).param("id", queue.id()).update();
    jdbc.sql(QUEUE_DELETE).param("id", queue.id()).update();
    changed();
  }

  /** Stops releasing; released messages that have not started go back to waiting. */
  @Transactional
  public Queue pause(UUID organizationId, String name) {
    notOwned(get(organizationId, name));
    return pauseQueue(organizationId, name);
  }

  Queue pauseQueue(UUID organizationId, String name) {
    setPaused(organizationId, name, true);
    Queue queue = get(organizationId, name);
    pullBack(queue);
    return queue;
  }

  @Transactional
  public Queue resume(UUID organizationId, String name) {
    notOwned(get(organizationId, name));
    return resumeQueue(organizationId, name);
  }

  Queue resumeQueue(UUID organizationId, String name) {
    setPaused(organizationId, name, false);
    Queue queue = get(organizationId, name);
    releaseAfterCommit(queue.id());
    return queue;
  }

  /**
   * A queue another module owns (an inbound connection's) is changed, paused and deleted through
   * its owner, so that the two never disagree: 409 here.
   */
  static Queue notOwned(Queue queue) {
    if (queue.owner() != null) {
      throw ApiProblem.conflict(
          "queue-owned",
          "Queue "
              + queue.name()
              + " belongs to an "
              + queue.owner()
              + ": change, pause or delete it there.");
    }
    return queue;
  }

  private void setPaused(UUID organizationId, String name, boolean paused) {
    boolean found =
        jdbc.sql(QUEUE_SET_PAUSED)
            .param("organization_id", organizationId)
            .param("name", name)
            .param("paused", paused)
            .param("now", eu.runlater.engine.SqlTime.ts(clock.instant()))
            .query((rs, n) -> rs.getObject(1))
            .optional()
            .isPresent();
    if (!found) {
      throw ApiProblem.notFound("queue", name);
    }
    changed();
  }

  private void pullBack(Queue queue) {
    List<UUID> back = withdraw(queue, true);
    if (!back.isEmpty()) {
      jdbc.sql(MESSAGES_BACK_TO_WAITING).param("ids", back.toArray(UUID[]::new)).update();
    }
  }

  /** Removes the engine tasks of a queue's released messages; returns those messages' ids. */
  private List<UUID> withdraw(Queue queue, boolean unstartedOnly) {
    List<UUID> queued =
        jdbc.sql(MESSAGES_QUEUED_OF_QUEUE)
            .param("queue_id", queue.id())
            .query((rs, n) -> rs.getObject(1, UUID.class))
            .list();
    if (queued.isEmpty()) {
      return List.of();
    }
    try {
      return tasks.deletePending(
          connection.current(), queue.organizationId(), queued, unstartedOnly);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("could not withdraw the tasks of queue " + queue.name(), e);
    }
  }

  /** Asks for a release of the queue once the current transaction commits. */
  void releaseAfterCommit(UUID queueId) {
    releaseAfterCommit(queueId, null);
  }

  void releaseAfterCommit(UUID queueId, Instant at) {
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            Instant now = clock.instant();
            // A delayed message is released ahead of its time (see Release.LOOKAHEAD).
            Instant when = at == null ? now : at.minus(Release.LOOKAHEAD);
            releaser.request(queueId, when.isBefore(now) ? now : when);
          }
        });
  }
}
