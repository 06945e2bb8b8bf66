package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorTransitionsQueries.EVENT_INSERT;
import static eu.runlater.monitors.MonitorTransitionsQueries.MONITOR_STATE_SET;

import eu.runlater.alerts.AlertSignals;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ConnectionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one writer of a monitor's state: pings, the sweep of missed pings, uptime checks and the
 * API's pause all change it here, in their own transaction, so the timeline and the alerts can
 * never disagree with the state. A change to {@code down} opens the monitor's alert incident
 * (condition {@code down}); leaving {@code down} closes it, and the alert rule decides whether a
 * recovery notice goes.
 */
@Component
class MonitorTransitions {
  /** Subject kind of monitors in alerts. */
  static final String SUBJECT_KIND = "monitor";

  /** The alert condition a monitor that is down has. */
  static final String CONDITION = "down";

  static final String NEW = "new";
  static final String UP = "up";
  static final String LATE = "late";
  static final String DOWN = "down";
  static final String PAUSED = "paused";

  private final AlertSignals signals;

  MonitorTransitions(AlertSignals signals) {
    this.signals = signals;
  }

  /**
   * Moves {@code monitorId} from {@code from} to {@code to}, if it is still in {@code from}, in the
   * transaction of {@code connection}.
   *
   * @param reason why, in words, for the timeline and the alert ("no ping since 12:00 UTC, due
   *     every 1 h with 5 min grace", "HTTP 503 twice in a row")
   * @return false when the monitor was not in {@code from} (another change came first; nothing was
   *     written)
   */
  boolean change(
      Connection connection, UUID monitorId, String from, String to, String reason, Instant at)
      throws SQLException {
    if (from.equals(to)) {
      return false;
    }
    JdbcClient sql = ConnectionSql.on(connection);
    Optional<UUID> organization =
        sql.sql(MONITOR_STATE_SET)
            .param("id", monitorId)
            .param("from_state", from)
            .param("to_state", to)
            .param("reason", reason)
            .param("at", SqlTime.ts(at))
            .query((rs, n) -> rs.getObject("organization_id", UUID.class))
            .optional();
    if (organization.isEmpty()) {
      return false;
    }
    sql.sql(EVENT_INSERT)
        .param("id", Ids.v7(at))
        .param("monitor_id", monitorId)
        .param("at", SqlTime.ts(at))
        .param("from_state", from)
        .param("to_state", to)
        .param("reason", reason)
        .update();
    if (DOWN.equals(to) || DOWN.equals(from)) {
      signals.condition(
          connection,
          organization.get(),
          SUBJECT_KIND,
          monitorId,
          CONDITION,
          DOWN.equals(to),
          reason,
          at);
    }
    return true;
  }
}
