package eu.runlater.alerts;

import static eu.runlater.alerts.AlertSignalsQueries.INCIDENTS_INSERT;
import static eu.runlater.alerts.AlertSignalsQueries.INCIDENTS_UPDATE;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * The writes and tells of one batch of {@link AlertSignals}, flushed in a handful of array
 * statements: new incidents inserted (a new one that lost a race to another node is reported, so
 * its outcomes are decided again against the winner), changed ones updated, and what they must tell
 * queued in the outbox.
 */
final class IncidentBatch {
  private final Set<TrackedIncident> touched = new LinkedHashSet<>();
  private final List<Told> tells = new ArrayList<>();

  /** A change to tell, and how its rule routes it. */
  private record Told(
      TrackedIncident incident, String change, String channelIds, int windowSeconds) {}

  /** Applies a decision; returns the incident that is current after it (null when closed). */
  TrackedIncident decide(
      TrackedIncident inc,
      RuleEngine.Decision d,
      RuleSettings rule,
      java.time.Duration window,
      Instant at,
      Instant now) {
    if (inc == null) {
      return null;
    }
    touched.add(inc);
    if (d.state() == RuleEngine.State.NONE) {
      inc.state = "closed";
      inc.closedAt = at;
      if (d.tell() != null) {
        tell(inc, d.tell(), rule, window);
      }
      return null;
    }
    if (d.state() == RuleEngine.State.OPEN && !"open".equals(inc.state)) {
      inc.state = "open";
      inc.openedAt = at;
    }
    inc.announced = d.announced();
    if (d.tell() != null) {
      tell(inc, d.tell(), rule, window);
    }
    return inc;
  }

  void tell(TrackedIncident inc, String change, RuleSettings rule, java.time.Duration window) {
    tells.add(
        new Told(
            inc,
            change,
            rule.channelIds() == null ? null : AlertRules.uuidArray(rule.channelIds()),
            (int) window.toSeconds()));
  }

  /** Writes everything; returns the subjects whose new incident lost a race to another node. */
  Set<AlertSignals.Key> flush(JdbcClient sql, AlertProperties properties, Instant now) {
    List<TrackedIncident> fresh = touched.stream().filter(i -> !i.stored).toList();
    List<TrackedIncident> stored = touched.stream().filter(i -> i.stored).toList();
    Set<AlertSignals.Key> lost = new HashSet<>();
    Set<TrackedIncident> lostIncidents = new HashSet<>();
    if (!fresh.isEmpty()) {
      Set<UUID> inserted = new HashSet<>(insert(sql, fresh));
      for (TrackedIncident i : fresh) {
        if (!inserted.contains(i.id)) {
          lost.add(new AlertSignals.Key(i.organizationId, i.subjectKind, i.subjectId));
          lostIncidents.add(i);
        }
      }
    }
    if (!stored.isEmpty()) {
      update(sql, stored);
    }
    List<AlertSignals.Tell> told = new ArrayList<>();
    for (Told t : tells) {
      TrackedIncident inc = t.incident();
      if (!lostIncidents.contains(inc)) {
        told.add(
            new AlertSignals.Tell(
                inc.id, inc.organizationId, t.change(), t.channelIds(), t.windowSeconds()));
      }
    }
    AlertSignals.queue(sql, told, properties.groupWait().toMillis(), now);
    return lost;
  }

  private static List<UUID> insert(JdbcClient sql, List<TrackedIncident> rows) {
    int n = rows.size();
    Columns c = new Columns(n);
    for (int k = 0; k < n; k++) {
      c.set(k, rows.get(k));
    }
    Object[] orgs = new Object[n];
    Object[] kinds = new Object[n];
    Object[] subjects = new Object[n];
    Object[] conditions = new Object[n];
    Object[] firsts = new Object[n];
    Object[] lastAlerts = new Object[n];
    for (int k = 0; k < n; k++) {
      TrackedIncident i = rows.get(k);
      orgs[k] = i.organizationId;
      kinds[k] = i.subjectKind;
      subjects[k] = i.subjectId;
      conditions[k] = i.condition;
      firsts[k] = RuleBook.ts(i.firstFailureAt);
      lastAlerts[k] = RuleBook.ts(i.lastAlertAt);
    }
    return c.bind(sql.sql(INCIDENTS_INSERT))
        .param("organization_ids", new SqlArrayValue("uuid", orgs))
        .param("subject_kinds", new SqlArrayValue("text", kinds))
        .param("subject_ids", new SqlArrayValue("uuid", subjects))
        .param("conditions", new SqlArrayValue("text", conditions))
        .param("first_failure_ats", new SqlArrayValue("text", firsts))
        .param("last_alert_ats", new SqlArrayValue("text", lastAlerts))
        .query((rs, r) -> rs.getObject(1, UUID.class))
        .list();
  }

  private static void update(JdbcClient sql, List<TrackedIncident> rows) {
    Columns c = new Columns(rows.size());
    for (int k = 0; k < rows.size(); k++) {
      c.set(k, rows.get(k));
    }
    c.bind(sql.sql(INCIDENTS_UPDATE)).update();
  }

  /** The columns an insert and an update share, as arrays. */
  private static final class Columns {
    final Object[] ids;
    final Object[] states;
    final Object[] lastFailures;
    final Object[] openeds;
    final Object[] closeds;
    final Object[] consecutive;
    final Object[] failures;
    final Object[] codes;
    final Object[] errors;
    final Object[] snippets;
    final Object[] executions;
    final Object[] details;
    final Object[] announced;

    Columns(int n) {
      ids = new Object[n];
      states = new Object[n];
      lastFailures = new Object[n];
      openeds = new Object[n];
      closeds = new Object[n];
      consecutive = new Object[n];
      failures = new Object[n];
      codes = new Object[n];
      errors = new Object[n];
      snippets = new Object[n];
      executions = new Object[n];
      details = new Object[n];
      announced = new Object[n];
    }

    void set(int k, TrackedIncident i) {
      ids[k] = i.id;
      states[k] = i.state;
      lastFailures[k] = RuleBook.ts(i.lastFailureAt);
      openeds[k] = RuleBook.ts(i.openedAt);
      closeds[k] = RuleBook.ts(i.closedAt);
      consecutive[k] = i.consecutiveFailures;
      failures[k] = i.failures;
      codes[k] = i.lastStatusCode;
      errors[k] = i.lastError;
      snippets[k] = i.lastSnippet;
      executions[k] = i.lastExecutionId;
      details[k] = i.detail;
      announced[k] = i.announced;
    }

    JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec) {
      return spec.param("ids", new SqlArrayValue("uuid", ids))
          .param("states", new SqlArrayValue("text", states))
          .param("last_failure_ats", new SqlArrayValue("text", lastFailures))
          .param("opened_ats", new SqlArrayValue("text", openeds))
          .param("closed_ats", new SqlArrayValue("text", closeds))
          .param("consecutive", new SqlArrayValue("integer", consecutive))
          .param("failures", new SqlArrayValue("integer", failures))
          .param("status_codes", new SqlArrayValue("integer", codes))
          .param("errors", new SqlArrayValue("text", errors))
          .param("snippets", new SqlArrayValue("text", snippets))
          .param("execution_ids", new SqlArrayValue("uuid", executions))
          .param("details", new SqlArrayValue("text", details))
          .param("announced", new SqlArrayValue("boolean", announced));
    }
  }
}
