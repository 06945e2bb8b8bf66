package eu.runlater.queues;

import static eu.runlater.queues.MessagesQueries.*;
import static eu.runlater.queues.QueuesQueries.*;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.engine.EngineProperties;
import eu.runlater.platform.engine.Priorities;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A queue's flow control: lets waiting messages become engine tasks as far as the queue allows —
 * never more unfinished than its parallelism, one at a time per ordering key (FIFO within a key),
 * starts spaced by its rate, nothing while paused. Runs under a lock on the queue's row, so nodes
 * releasing the same queue take turns and never overshoot.
 *
 * <p>Triggered wherever room may have appeared: after a push commits, in the transaction that
 * records a message's final outcome, on resume and redrive, and when a delay or the rate's next
 * slot comes due. It answers when to look again for that last kind.
 */
@Component
class Release {
  /** How far ahead rate-limited starts are planned (released with spaced run_at). */
  static final Duration RATE_HORIZON = Duration.ofSeconds(1);

  /**
   * Delayed messages due this soon are released ahead, as tasks due at their own not_before: the
   * engine's timers then start each on time, and one release covers every message falling due in
   * the window instead of one release per message. Such a message counts against parallelism for at
   * most this long before it can start.
   */
  static final Duration LOOKAHEAD = Duration.ofMillis(100);

  private final Backoff backoff;
  private final InstantSource clock;

  Release(EngineProperties engine, InstantSource clock) {
    this.backoff = engine.backoff();
    this.clock = clock;
  }

  /** Where released tasks go: the engine, in the releasing transaction. */
  @FunctionalInterface
  interface Inserter {
    void insert(List<NewTask> tasks) throws SQLException;
  }

  private record Locked(Queue queue, Tier tier, Instant rateNextAt) {}

  /**
   * Releases what the queue lets go now, in the caller's transaction ({@code jdbc} runs on its
   * connection); returns when to look again (a delayed message or the rate's next slot), or null
   * when only a push, a finished message or a resume can make room.
   */
  Instant release(JdbcClient jdbc, Inserter tasks, UUID queueId, Instant now) throws SQLException {
    List<Locked> locked =
        jdbc.sql(QUEUE_LOCK)
            .param("id", queueId)
            .query(
                (rs, n) ->
                    new Locked(
                        Queue.map(rs),
                        Tier.of(rs.getString("tier")),
                        SqlTime.instant(rs, "rate_next_at")))
            .list();
    if (locked.isEmpty() || locked.getFirst().queue().paused()) {
      return null;
    }
    // The caller read now before it waited for the row (behind a push's release, a timer's, another
    // node's completer): slots planned from it would lie in the past by the wait and start at once,
    // a burst over the rate of the wait divided by the interval (12 starts in a second at 10/s).
    now = later(now, clock.instant());
    Queue queue = locked.getFirst().queue();
    long inFlight =
        jdbc.sql(MESSAGES_IN_FLIGHT_COUNT)
            .param("queue_id", queueId)
            .query((rs, n) -> rs.getLong(1))
            .single();
    int room = (int) (queue.parallelism() - inFlight);
    if (room <= 0) {
      return null;
    }
    int limit = room;
    Queue.Rate rate = queue.rate();
    Instant slot = now;
    if (rate != null) {
      Instant next = locked.getFirst().rateNextAt();
      slot = next == null || next.isBefore(now) ? now : next;
      Instant horizon = now.plus(RATE_HORIZON);
      if (slot.isAfter(horizon)) {
        return slot.minus(RATE_HORIZON);
      }
      long slots = Duration.between(slot, horizon).toNanos() / rate.interval().toNanos() + 1;
      limit = (int) Math.min(limit, slots);
    }
    jdbc.sql(RELEASE_GENERIC_PLAN).update();
    List<Message> released =
        new ArrayList<>(
            jdbc.sql(MESSAGE_RELEASE)
                .param("queue_id", queueId)
                .param("now", SqlTime.ts(now))
                .param("horizon", SqlTime.ts(now.plus(LOOKAHEAD)))
                .param("limit", limit)
                .query((rs, n) -> Message.map(rs, false))
                .list());
    jdbc.sql(RELEASE_DEFAULT_PLAN).update();
    released.sort(Comparator.comparing(Message::notBefore).thenComparing(Message::id));
    int priority = Priorities.of(locked.getFirst().tier() == Tier.PRO, Priorities.ONE_TIME);
    List<NewTask> newTasks = new ArrayList<>(released.size());
    for (Message m : released) {
      Instant runAt = later(rate == null ? now : slot, m.notBefore());
      if (rate != null) {
        slot = runAt.plus(rate.interval());
      }
      newTasks.add(
          new NewTask(
              Ids.v7(now),
              m.organizationId(),
              Message.SOURCE_KIND,
              m.id(),
              priority,
              runAt,
              m.notBefore(),
              m.retries() + 1,
              backoff,
              m.request()));
    }
    if (!newTasks.isEmpty()) {
      tasks.insert(newTasks);
    }
    if (rate != null && !released.isEmpty()) {
      jdbc.sql(QUEUE_SET_RATE_NEXT)
          .param("id", queueId)
          .param("rate_next_at", SqlTime.ts(slot))
          .update();
    }
    if (released.size() == room) {
      return null; // full: a finished message makes room
    }
    if (rate != null && released.size() == limit) {
      return slot.minus(RATE_HORIZON); // the rate held some back
    }
    // min() answers one row, null when no delayed message waits.
    Instant next =
        jdbc.sql(MESSAGE_NEXT_DELAYED)
            .param("queue_id", queueId)
            .param("horizon", SqlTime.ts(now.plus(LOOKAHEAD)))
            .query((rs, n) -> SqlTime.instant(rs, "next"))
            .list()
            .getFirst();
    return next == null ? null : next.minus(LOOKAHEAD);
  }

  private static Instant later(Instant a, Instant b) {
    return b.isAfter(a) ? b : a;
  }
}
