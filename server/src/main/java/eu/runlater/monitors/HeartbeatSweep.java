package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorsQueries.SWEEP_ANY_DUE;
import static eu.runlater.monitors.MonitorsQueries.SWEEP_DUE;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.BackgroundLoop;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Notices missing pings: on every node, each pass takes the heartbeats whose {@code transition_at}
 * has come (late, down, a run past its max runtime), locked with {@code SKIP LOCKED} so that each
 * is moved by exactly one node, and moves them through the state machine ({@link HeartbeatRules})
 * and {@link MonitorTransitions} in one transaction per batch. A node that dies mid-batch rolls it
 * back and another node's next pass takes it, so a monitor is marked down within about one sweep
 * interval of its time as long as any node runs. The loop logs and retries on errors; it never
 * dies.
 */
@Component
class HeartbeatSweep extends BackgroundLoop {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatSweep.class);

  /** What one pass did. */
  record Pass(int looked, int moved) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final MonitorCommands commands;
  private final HeartbeatProperties properties;
  private final InstantSource clock;

  HeartbeatSweep(
      JdbcClient jdbc,
      TransactionTemplate tx,
      MonitorCommands commands,
      HeartbeatProperties properties,
      InstantSource clock) {
    super("runlater-heartbeats", "Sweeping heartbeats");
    this.jdbc = jdbc;
    this.tx = tx;
    this.commands = commands;
    this.properties = properties;
    this.clock = clock;
  }

  /** One pass: batches until one comes back short (nothing more is due, or others hold it). */
  Pass runOnce(Instant now) {
    int looked = 0;
    int moved = 0;
    if (!jdbc.sql(SWEEP_ANY_DUE).param("now", SqlTime.ts(now)).query(Boolean.class).single()) {
      return new Pass(0, 0);
    }
    while (true) {
      int[] batch = tx.execute(status -> batch(now));
      looked += batch[0];
      moved += batch[1];
      if (batch[0] < properties.sweepBatch()) {
        return new Pass(looked, moved);
      }
    }
  }

  private int[] batch(Instant now) {
    List<Monitor> due =
        jdbc.sql(SWEEP_DUE)
            .param("now", SqlTime.ts(now))
            .param("limit", properties.sweepBatch())
            .query((rs, n) -> MonitorsQueries.monitor(rs))
            .list();
    int moved = 0;
    for (Monitor m : due) {
      HeartbeatRules.Next next = HeartbeatRules.tick(m.schedule(), m.current(), now);
      if (next.transitionAt() != null && !next.transitionAt().isAfter(now)) {
        // Cannot happen by the rules; never let one row hold the sweep in a loop.
        log.warn("Heartbeat {} is still due after a tick; looked at again next pass", m.id());
        next =
            new HeartbeatRules.Next(
                next.state(),
                next.reason(),
                next.dueAt(),
                now.plus(properties.sweepInterval()),
                next.runningSince(),
                next.durationMs());
      }
      commands.apply(m, next, now);
      if (!next.state().equals(m.state())) {
        moved++;
      }
    }
    return new int[] {due.size(), moved};
  }

  @Override
  protected void loop() {
    while (running()) {
      try {
        runOnce(clock.instant());
        passSucceeded();
      } catch (RuntimeException e) {
        passFailed(e);
      }
      synchronized (this) {
        if (running()) {
          try {
            wait(properties.sweepInterval().toMillis());
          } catch (InterruptedException e) {
            // re-checked by the loop
          }
        }
      }
    }
  }
}
