package eu.runlater.alerts;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * What producers of work tell alerts, in their own transaction (an outcome hook's connection, say):
 * the incident a failure opens, and the alert or recovery notice it leads to, commit with the
 * outcome or not at all — so an alert accepted is never lost to a crash, and never told twice.
 */
@Component
public class AlertSignals {

  /**
   * Counts final outcomes against each subject's rule: failures open (or keep) an incident, a
   * success closes one, and what must be told waits in the outbox for its channel's group.
   */
  public void outcomes(Connection connection, List<Outcome> outcomes, Instant now)
      throws SQLException {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  /**
   * A measured condition of a subject (a queue's depth, the age of its oldest message, the
   * organization's usage): {@code active} opens an incident if none is, inactive closes it.
   *
   * @param condition {@code depth}, {@code oldest_waiting}, {@code usage_80}, {@code usage_100}
   * @param detail what was measured, in words ("1,204 messages waiting, above 1,000")
   */
  public void condition(
      Connection connection,
      UUID organizationId,
      String subjectKind,
      UUID subjectId,
      String condition,
      boolean active,
      String detail,
      Instant now)
      throws SQLException {
    throw new UnsupportedOperationException("built by the rules branch");
  }
}
