package eu.runlater.monitors;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * An uptime monitor's checks on the engine: one waiting check task per active http or tcp monitor
 * (source kind {@code monitor}, URL {@code check:<target>}), each making the next when it ends.
 */
@Component
class UptimeChecks {

  /**
   * Makes the monitor's next check due at {@code at}, replacing a waiting one, in the transaction
   * of {@code connection} (a create, an edit, a resume).
   */
  void schedule(Connection connection, UUID monitorId, Instant at) throws SQLException {
    throw new UnsupportedOperationException("checks are being built (issue 16)");
  }

  /**
   * Removes the monitor's waiting check (a pause, a delete, a change to heartbeat); a check already
   * running ends and makes no next.
   */
  void unschedule(Connection connection, UUID monitorId) throws SQLException {
    throw new UnsupportedOperationException("checks are being built (issue 16)");
  }
}
