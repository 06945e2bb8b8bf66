package eu.runlater.queues;

import static eu.runlater.queues.MessageDedupQueries.DEDUP_PURGE_EXPIRED;
import static eu.runlater.queues.MessagesQueries.MESSAGES_PURGE_FINISHED;
import static eu.runlater.queues.QueueStatsQueries.FINISHED_PURGE;
import static eu.runlater.queues.QueuesQueries.QUEUES_WITH_DUE;
import static eu.runlater.queues.RateReservationsQueries.RESERVATIONS_PURGE;

import eu.runlater.engine.Engine;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.TransactionalConnection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs queue releases outside the transactions that asked for them: after a push commits, when a
 * delayed message or the rate's next slot comes due, after a resume or a redrive. Requests for the
 * same queue coalesce, so a burst of pushes costs one release. Pushes never wait on the queue row
 * (their foreign key's FOR KEY SHARE does not conflict with a release's FOR NO KEY UPDATE); only
 * releases lock it, one at a time per queue.
 *
 * <p>On the leader, a sweep every few seconds also releases any queue with due waiting messages:
 * the fallback for a node that died between accepting a push and releasing it, or holding the only
 * timer of a delayed message. It also purges finished messages past retention, expired
 * deduplication ids and the per-second counts of finished messages older than two rate windows.
 */
@Component
class Releaser extends eu.runlater.platform.BackgroundLoop {
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
  static final Duration RETENTION = Duration.ofDays(30);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final TransactionalConnection connection;
  private final Engine engine;
  private final Release release;
  private final InstantSource clock;
  private final Map<UUID, Instant> due = new HashMap<>(); // guarded by this
  private Instant lastSweep = Instant.EPOCH;

  Releaser(
      JdbcClient jdbc,
      TransactionTemplate tx,
      TransactionalConnection connection,
      Engine engine,
      Release release,
      InstantSource clock) {
    super("runlater-queue-release", "Releasing queued messages");
    this.jdbc = jdbc;
    this.tx = tx;
    this.connection = connection;
    this.engine = engine;
    this.release = release;
    this.clock = clock;
  }

  /** Release {@code queueId} no later than {@code at}. */
  synchronized void request(UUID queueId, Instant at) {
    due.merge(queueId, at, (a, b) -> a.isBefore(b) ? a : b);
    notifyAll();
  }

  /** Releases one queue now, in its own transaction; returns when to look again, or null. */
  Instant releaseNow(UUID queueId) {
    Instant now = clock.instant();
    Instant[] earliest = new Instant[1];
    Instant next =
        tx.execute(
            status -> {
              try {
                return release.release(
                    jdbc,
                    tasks -> earliest[0] = engine.tasks().insert(connection.current(), tasks),
                    queueId,
                    now);
              } catch (SQLException e) {
                throw new IllegalStateException("could not release queue " + queueId, e);
              }
            });
    engine.tasks().committed(earliest[0]);
    return next;
  }

  @Override
  protected void loop() {
    while (running()) {
      try {
        for (UUID queueId : takeDue()) {
          Instant next = releaseNow(queueId);
          if (next != null) {
            request(queueId, next);
          }
        }
        // Every node keeps the pace (so a follower does not spin); only the leader sweeps.
        if (!clock.instant().isBefore(lastSweep.plus(SWEEP_INTERVAL))) {
          lastSweep = clock.instant();
          if (engine.isLeader()) {
            sweep();
          }
        }
        passSucceeded();
      } catch (InterruptedException e) {
        // re-checked by the loop
      } catch (Exception e) {
        passFailed(e);
        try {
          Thread.sleep(500);
        } catch (InterruptedException stop) {
          // re-checked by the loop
        }
      }
    }
  }

  /** Waits until some queue is due (or the sweep is), and takes the due ones. */
  private synchronized List<UUID> takeDue() throws InterruptedException {
    while (running()) {
      Instant now = clock.instant();
      Instant earliest = lastSweep.plus(SWEEP_INTERVAL);
      List<UUID> ready = new ArrayList<>();
      for (var e : due.entrySet()) {
        if (!e.getValue().isAfter(now)) {
          ready.add(e.getKey());
        } else if (e.getValue().isBefore(earliest)) {
          earliest = e.getValue();
        }
      }
      if (!ready.isEmpty()) {
        ready.forEach(due::remove);
        return ready;
      }
      long waitMs = Duration.between(now, earliest).toMillis();
      if (waitMs <= 0) {
        return List.of();
      }
      // Capped: a clock set back (tests move theirs) must not stall the sweep.
      wait(Math.min(waitMs, SWEEP_INTERVAL.toMillis()));
    }
    return List.of();
  }

  private void sweep() {
    Instant now = clock.instant();
    List<UUID> queues =
        jdbc.sql(QUEUES_WITH_DUE)
            .param("now", SqlTime.ts(now))
            .query((rs, n) -> rs.getObject(1, UUID.class))
            .list();
    queues.forEach(q -> request(q, now));
    jdbc.sql(MESSAGES_PURGE_FINISHED).param("before", SqlTime.ts(now.minus(RETENTION))).update();
    jdbc.sql(FINISHED_PURGE)
        .param("before", SqlTime.ts(now.minus(Queues.RATE_WINDOW.multipliedBy(2))))
        .update();
    jdbc.sql(DEDUP_PURGE_EXPIRED).param("now", SqlTime.ts(now)).update();
    jdbc.sql(RESERVATIONS_PURGE)
        .param("before", SqlTime.ts(now.minus(Duration.ofDays(1))))
        .update();
  }
}
