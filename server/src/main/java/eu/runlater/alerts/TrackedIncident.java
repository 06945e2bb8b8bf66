package eu.runlater.alerts;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * An incident being decided on in one batch of {@link AlertSignals}: read (locked) or new, changed
 * in memory by the rule engine's decisions, then written with the rest of the batch ({@link
 * IncidentBatch}).
 */
final class TrackedIncident {
  UUID id;
  boolean stored;
  UUID organizationId;
  String subjectKind;
  UUID subjectId;
  String condition;
  String state;
  Instant firstFailureAt;
  Instant lastFailureAt;
  Instant openedAt;
  Instant closedAt;
  int consecutiveFailures;
  int failures;
  Integer lastStatusCode;
  String lastError;
  String lastSnippet;
  UUID lastExecutionId;
  String detail;
  boolean announced;
  Instant lastAlertAt;

  static TrackedIncident fresh(UUID org, String kind, UUID subject, String condition, Instant at) {
    TrackedIncident i = new TrackedIncident();
    i.id = Ids.v7(at);
    i.organizationId = org;
    i.subjectKind = kind;
    i.subjectId = subject;
    i.condition = condition;
    i.state = "pending";
    i.firstFailureAt = at;
    i.lastFailureAt = at;
    return i;
  }

  static TrackedIncident read(java.sql.ResultSet rs) throws SQLException {
    TrackedIncident i = new TrackedIncident();
    i.stored = true;
    i.id = rs.getObject("id", UUID.class);
    i.organizationId = rs.getObject("organization_id", UUID.class);
    i.subjectKind = rs.getString("subject_kind");
    i.subjectId = rs.getObject("subject_id", UUID.class);
    i.condition = rs.getString("condition");
    i.state = rs.getString("state");
    i.firstFailureAt = SqlTime.instant(rs, "first_failure_at");
    i.lastFailureAt = SqlTime.instant(rs, "last_failure_at");
    i.openedAt = SqlTime.instant(rs, "opened_at");
    i.consecutiveFailures = rs.getInt("consecutive_failures");
    i.failures = rs.getInt("failures");
    i.lastStatusCode = (Integer) rs.getObject("last_status_code");
    i.lastError = rs.getString("last_error");
    i.lastSnippet = rs.getString("last_snippet");
    i.lastExecutionId = rs.getObject("last_execution_id", UUID.class);
    i.detail = rs.getString("detail");
    i.announced = rs.getBoolean("announced");
    i.lastAlertAt = SqlTime.instant(rs, "last_alert_at");
    return i;
  }

  RuleEngine.Current current() {
    RuleEngine.State s = "open".equals(state) ? RuleEngine.State.OPEN : RuleEngine.State.PENDING;
    return new RuleEngine.Current(s, consecutiveFailures, announced, lastAlertAt);
  }

  void fail(Outcome o) {
    consecutiveFailures++;
    failures++;
    lastFailureAt = o.at().isAfter(lastFailureAt) ? o.at() : lastFailureAt;
    lastStatusCode = o.statusCode();
    lastError = cut(o.error(), AlertSignals.ERROR_CHARS);
    lastSnippet = cut(o.snippet(), AlertSignals.SNIPPET_CHARS);
    lastExecutionId = o.executionId();
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
