package eu.runlater.queues;

import eu.runlater.engine.ClaimHook;
import eu.runlater.engine.ClaimedTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
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
  static final String RATE_LIMITED_RETRIES =
      """
      SELECT m.id AS message_id, q.id AS queue_id, q.rate_limit, q.rate_period_ms, q.rate_next_at
      FROM messages m JOIN queues q ON q.id = m.queue_id
      WHERE m.id = ANY(:ids::uuid[]) AND q.rate_limit IS NOT NULL
      ORDER BY q.id
      FOR UPDATE OF q
      """;

  static final String RESERVATIONS_TAKE =
      "DELETE FROM queue_rate_reservations WHERE task_id = ANY(:ids::uuid[]) RETURNING task_id";

  static final String RESERVATIONS_ADD =
      """
      INSERT INTO queue_rate_reservations (task_id, queue_id, slot)
      SELECT * FROM unnest(:task_ids::uuid[], :queue_ids::uuid[], :slots::timestamptz[])
      ON CONFLICT (task_id) DO UPDATE SET slot = excluded.slot
      """;

  /** Reservations older than this belong to tasks that are gone (see the migration). */
  static final String RESERVATIONS_PURGE =
      "DELETE FROM queue_rate_reservations WHERE slot < :before";

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
    // Deferred earlier and now at their slot: they start on the slot they hold.
    java.util.Set<UUID> reserved =
        new java.util.HashSet<>(
            Db.query(
                claim.connection(),
                RESERVATIONS_TAKE,
                Params.of("ids", SqlArray.of("uuid", retriedTasks)),
                rs -> rs.getObject(1, UUID.class)));
    Map<UUID, UUID> queueOf = new HashMap<>();
    Map<UUID, Gate> gates = new HashMap<>();
    Db.query(
        claim.connection(),
        RATE_LIMITED_RETRIES,
        Params.of("ids", SqlArray.of("uuid", retried)),
        rs -> {
          UUID queueId = rs.getObject("queue_id", UUID.class);
          queueOf.put(rs.getObject("message_id", UUID.class), queueId);
          gates.putIfAbsent(
              queueId,
              new Gate(
                  Duration.ofMillis(rs.getLong("rate_period_ms"))
                      .dividedBy(rs.getInt("rate_limit")),
                  SqlTime.instant(rs, "rate_next_at")));
          return null;
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
      Instant slot = gate.next() == null || gate.next().isBefore(now) ? now : gate.next();
      gates.put(queueId, new Gate(gate.interval(), slot.plus(gate.interval())));
      if (slot.isAfter(now)) {
        deferred.add(t);
        deferredTo.add(slot);
        deferredQueues.add(queueId);
      } else {
        deliver.add(t);
      }
    }
    for (var e : gates.entrySet()) {
      Db.update(
          claim.connection(),
          QueuesQueries.QUEUE_SET_RATE_NEXT,
          Params.of("id", e.getKey()).put("rate_next_at", e.getValue().next()));
    }
    if (!deferred.isEmpty()) {
      claim.engine().deferClaimed(claim.connection(), deferred, deferredTo);
      Db.update(
          claim.connection(),
          RESERVATIONS_ADD,
          Params.of(
                  "task_ids", SqlArray.of("uuid", deferred.stream().map(ClaimedTask::id).toList()))
              .put("queue_ids", SqlArray.of("uuid", deferredQueues))
              .put(
                  "slots",
                  SqlArray.of(
                      "timestamptz",
                      deferredTo.stream().map(at -> (Object) SqlTime.ts(at)).toList())));
    }
    return deliver;
  }
}
