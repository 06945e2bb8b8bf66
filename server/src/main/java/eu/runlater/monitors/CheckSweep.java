package eu.runlater.monitors;

import static eu.runlater.monitors.CheckQueries.MONITORS_WITHOUT_CHECK;

import eu.runlater.engine.Engine;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.BackgroundLoop;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.TransactionalConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Self-healing, on the leader every sweep interval: an active uptime monitor with no check task,
 * waiting or running, gets one — at its planned time when that is still ahead, else now. Checks
 * chain themselves ({@link CheckOutcomes}), so this finds nothing unless a chain broke (a task
 * removed by hand, a database restored from before a check, a bug): then the monitor is checked
 * again within one interval instead of never.
 */
@Component
class CheckSweep extends BackgroundLoop {
  private static final Logger log = LoggerFactory.getLogger(CheckSweep.class);
  static final int BATCH = 500;

  private final TransactionTemplate tx;
  private final TransactionalConnection connection;
  private final UptimeChecks checks;
  private final Engine engine;
  private final InstantSource clock;
  private final CheckProperties properties;

  CheckSweep(
      TransactionTemplate tx,
      TransactionalConnection connection,
      UptimeChecks checks,
      Engine engine,
      InstantSource clock,
      CheckProperties properties) {
    super("runlater-check-sweep", "Sweeping uptime checks");
    this.tx = tx;
    this.connection = connection;
    this.checks = checks;
    this.engine = engine;
    this.clock = clock;
    this.properties = properties;
  }

  /** One pass: schedules up to a batch of monitors missing their check; returns how many. */
  int runOnce() {
    Instant now = clock.instant();
    Integer made =
        tx.execute(
            status -> {
              try {
                Connection c = connection.current();
                List<Missing> missing =
                    ConnectionSql.on(c)
                        .sql(MONITORS_WITHOUT_CHECK)
                        .param("limit", BATCH)
                        .query(
                            (rs, n) ->
                                new Missing(
                                    rs.getObject("id", UUID.class), SqlTime.instant(rs, "due_at")))
                        .list();
                for (Missing m : missing) {
                  Instant at = m.dueAt() != null && m.dueAt().isAfter(now) ? m.dueAt() : now;
                  checks.schedule(c, m.id(), at);
                }
                return missing.size();
              } catch (SQLException e) {
                throw new IllegalStateException("could not reschedule uptime checks", e);
              }
            });
    if (made != null && made > 0) {
      log.info("Made {} missing uptime check(s)", made);
    }
    return made == null ? 0 : made;
  }

  private record Missing(UUID id, Instant dueAt) {}

  @Override
  protected void loop() {
    while (running()) {
      try {
        if (engine.isLeader()) {
          runOnce();
        }
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
