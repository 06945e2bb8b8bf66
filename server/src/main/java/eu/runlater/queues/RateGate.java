package eu.runlater.queues;

import static eu.runlater.queues.QueuesQueries.QUEUE_RATES_LOCK_BY_MESSAGE;
import static eu.runlater.queues.QueuesQueries.QUEUE_SET_RATE_NEXT;
import static eu.runlater.queues.RateReservationsQueries.RESERVATIONS_ADD;
import static eu.runlater.queues.RateReservationsQueries.RESERVATIONS_TAKE;

import eu.runlater.engine.ClaimHook;
import eu.runlater.engine.ClaimedTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ConnectionSql;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * Holds retries to their queue's rate limit. A message's first attempt starts in a rate slot that
 * {@link Release} gave it; its retries come due on the engine's backoff, outside the queue. So when
 * a claim takes a retry of a message whose queue has a rate, this hook, in the claim's transaction
 * and under the queue's row lock, gives it the queue's next slot: now if the slot has come, and
 * otherwise hands the task back unstarted, due at that slot, which it reserves for the task:
 * claimed again at that slot, the task starts without taking another. Either way the queue's rate
 * counts every start, first attempts and retries alike.
 *
 * <p>Runs before the cron hook (which charges usage for what it lets through), so a deferred task
 * is charged once, when it starts.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RateGate implements ClaimHook {
  private record Gate(Duration interval, Instant next) {}

  @Override
  public List<ClaimedTask> onClaimed(Claim claim) throws SQLException {
    List<UUID> retried = new ArrayList<>();
    List<UUID> retriedTasks = new ArrayList<>();
    for (ClaimedTask t : claim.tasks()) {
      if (Message.SOURCE_KIND.equals(t.sourceKind()) && t.attempt() > 1) {
        retried.add(t.sourceId());
        retriedTasks.add(t.id());
      }
    }
    if (retried.isEmpty()) {
      return claim.tasks();
    }
    JdbcClient jdbc = ConnectionSql.on(claim.connection());
    // Deferred earlier and now at their slot: they start on the slot they hold.
    Set<UUID> reserved =
        new HashSet<>(
            jdbc.sql(RESERVATIONS_TAKE)
                .param("ids", new SqlArrayValue("uuid", retriedTasks.toArray()))
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list());
    Map<UUID, UUID> queueOf = new HashMap<>();
    Map<UUID, Gate> gates = new HashMap<>();
    jdbc.sql(QUEUE_RATES_LOCK_BY_MESSAGE)
        .param("ids", new SqlArrayValue("uuid", retried.toArray()))
        .query(
            (RowCallbackHandler)
                rs -> {
                  UUID queueId = rs.getObject("queue_id", UUID.class);
                  queueOf.put(rs.getObject("message_id", UUID.class), queueId);
                  gates.putIfAbsent(
                      queueId,
                      new Gate(
                          Duration.ofMillis(rs.getLong("rate_period_ms"))
                              .dividedBy(rs.getInt("rate_limit")),
                          SqlTime.instant(rs, "rate_next_at")));
                });
    if (queueOf.isEmpty()) {
      return claim.tasks();
    }
    Instant now = claim.now();
    List<ClaimedTask> deliver = new ArrayList<>(claim.tasks().size());
    List<ClaimedTask> deferred = new ArrayList<>();
    List<Instant> deferredTo = new ArrayList<>();
    List<UUID> deferredQueues = new ArrayList<>();
    for (ClaimedTask t : claim.tasks()) {
      UUID queueId =
          Message.SOURCE_KIND.equals(t.sourceKind())
                  && t.attempt() > 1
                  && !reserved.contains(t.id())
              ? queueOf.get(t.sourceId())
              : null;
      if (queueId == null) {
        deliver.add(t);
        continue;
      }
      Gate gate = gates.get(queueId);
      // A retry claimed ahead of its due time (the engine's lookahead) starts then, not now.
      Instant at = t.runAt().isAfter(now) ? t.runAt() : now;
      Instant slot = gate.next() == null || gate.next().isBefore(at) ? at : gate.next();
      gates.put(queueId, new Gate(gate.interval(), slot.plus(gate.interval())));
      if (slot.isAfter(at)) {
        deferred.add(t);
        deferredTo.add(slot);
        deferredQueues.add(queueId);
      } else {
        deliver.add(t);
      }
    }
    for (var e : gates.entrySet()) {
      jdbc.sql(QUEUE_SET_RATE_NEXT)
          .param("id", e.getKey())
          .param("rate_next_at", SqlTime.ts(e.getValue().next()))
          .update();
    }
    if (!deferred.isEmpty()) {
      claim.engine().deferClaimed(claim.connection(), deferred, deferredTo);
      jdbc.sql(RESERVATIONS_ADD)
          .param(
              "task_ids",
              new SqlArrayValue("uuid", deferred.stream().map(ClaimedTask::id).toArray()))
          .param("queue_ids", new SqlArrayValue("uuid", deferredQueues.toArray()))
          .param(
              "slots",
              new SqlArrayValue("timestamptz", deferredTo.stream().map(SqlTime::ts).toArray()))
          .update();
    }
    return deliver;
  }
}
