package eu.runlater.alerts;

import static eu.runlater.alerts.AlertSignalsQueries.INCIDENTS_CURRENT_LOCK;
import static eu.runlater.alerts.AlertSignalsQueries.INCIDENTS_INSERT;
import static eu.runlater.alerts.AlertSignalsQueries.INCIDENTS_UPDATE;
import static eu.runlater.alerts.AlertSignalsQueries.JOB_RUN_RATES;
import static eu.runlater.alerts.AlertSignalsQueries.PENDING_INSERT;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ConnectionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * What producers of work tell alerts, in their own transaction (an outcome hook's connection, say):
 * the incident a failure opens, and the alert or recovery notice it leads to, commit with the
 * outcome or not at all — so an alert accepted is never lost to a crash, and never told twice.
 *
 * <p>Cost: a batch whose subjects are all fine and have no current incident costs one probe of a
 * partial index (current incidents only), nothing per outcome. A batch with failures adds the rules
 * and maintenance windows of its organizations (two statements), the incidents' writes (two) and
 * the outbox rows (one); failure-rate rules add one count over the engine's history.
 */
@Component
public class AlertSignals {
  static final String FAILING = "failing";
  static final int SNIPPET_CHARS = 500;
  static final int ERROR_CHARS = 1_000;

  private final AlertProperties properties;

  AlertSignals(AlertProperties properties) {
    this.properties = properties;
  }

  /**
   * Counts final outcomes against each subject's rule: failures open (or keep) an incident, a
   * success closes one, and what must be told waits in the outbox for its channel's group.
   */
  public void outcomes(Connection connection, List<Outcome> outcomes, Instant now)
      throws SQLException {
    if (!outcomes.isEmpty()) {
      outcomes(ConnectionSql.on(connection), outcomes, now, true);
    }
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
    condition(
        ConnectionSql.on(connection),
        organizationId,
        subjectKind,
        subjectId,
        condition,
        active,
        detail,
        now,
        true);
  }

  private record Key(UUID organizationId, String kind, UUID subjectId) {}

  private void outcomes(JdbcClient sql, List<Outcome> outcomes, Instant now, boolean retry) {
    Set<UUID> subjectIds = new HashSet<>();
    boolean anyFailure = false;
    for (Outcome o : outcomes) {
      subjectIds.add(o.subjectId());
      anyFailure |= !o.success();
    }
    Map<Key, Incident> current = lockCurrent(sql, subjectIds, List.of(FAILING));
    if (!anyFailure && current.isEmpty()) {
      return; // the common case: everything fine, nothing to close
    }
    Map<Key, List<Outcome>> bySubject = new LinkedHashMap<>();
    for (Outcome o : outcomes) {
      Key key = new Key(o.organizationId(), o.subjectKind(), o.subjectId());
      if (!o.success() || current.containsKey(key)) {
        bySubject.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
      }
    }
    if (bySubject.isEmpty()) {
      return;
    }
    Set<UUID> orgs = new HashSet<>();
    bySubject.keySet().forEach(k -> orgs.add(k.organizationId()));
    RuleBook book =
        RuleBook.load(sql, orgs, bySubject.keySet().stream().map(Key::subjectId).toList());
    Map<UUID, RuleEngine.Rate> rates = rates(sql, book, bySubject.keySet(), now);

    Changes changes = new Changes();
    for (var e : bySubject.entrySet()) {
      Key key = e.getKey();
      RuleSettings rule = book.effective(key.organizationId(), key.kind(), key.subjectId());
      boolean quiet = book.quiet(key.organizationId(), rule, now);
      RuleEngine.Rate rate = rates.getOrDefault(key.subjectId(), RuleEngine.Rate.UNKNOWN);
      Incident inc = current.get(key);
      List<Outcome> ordered = new ArrayList<>(e.getValue());
      if ("queue".equals(key.kind()) && Boolean.FALSE.equals(rule.deadLetters())) {
        ordered.removeIf(o -> !o.success()); // dead letters do not count for this queue
      }
      ordered.sort(Comparator.comparing(Outcome::at));
      for (Outcome o : ordered) {
        RuleEngine.Current before = inc == null ? RuleEngine.Current.NONE : inc.current();
        RuleEngine.Decision d = RuleEngine.outcome(before, rule, o.success(), rate, quiet);
        if (!o.success()) {
          if (inc == null) {
            inc =
                Incident.fresh(key.organizationId(), key.kind(), key.subjectId(), FAILING, o.at());
          }
          inc.fail(o);
        }
        inc = changes.decide(inc, d, rule, book.groupWindow(key.organizationId()), o.at(), now);
      }
    }
    Set<Key> lost = changes.flush(sql, properties, now);
    if (!lost.isEmpty() && retry) {
      // Another node opened the same subjects' incidents meanwhile: decide again on theirs.
      outcomes(
          sql,
          outcomes.stream()
              .filter(
                  o -> lost.contains(new Key(o.organizationId(), o.subjectKind(), o.subjectId())))
              .toList(),
          now,
          false);
    }
  }

  private void condition(
      JdbcClient sql,
      UUID organizationId,
      String subjectKind,
      UUID subjectId,
      String condition,
      boolean active,
      String detail,
      Instant now,
      boolean retry) {
    Key key = new Key(organizationId, subjectKind, subjectId);
    Incident inc = lockCurrent(sql, List.of(subjectId), List.of(condition)).get(key);
    if (inc == null && !active) {
      return;
    }
    RuleBook book = RuleBook.load(sql, List.of(organizationId), List.of(subjectId));
    RuleSettings rule = book.effective(organizationId, subjectKind, subjectId);
    boolean quiet = book.quiet(organizationId, rule, now);
    // Usage incidents end with the month, not with a fix: no recovery notice.
    boolean recovery = !condition.startsWith("usage");
    RuleEngine.Current before = inc == null ? RuleEngine.Current.NONE : inc.current();
    RuleEngine.Decision d = RuleEngine.condition(before, rule, active, quiet, recovery);
    if (active) {
      if (inc == null) {
        inc = Incident.fresh(organizationId, subjectKind, subjectId, condition, now);
      }
      inc.lastFailureAt = now;
      inc.detail = detail;
      inc.failures = Math.max(inc.failures, 1);
    }
    Changes changes = new Changes();
    changes.decide(inc, d, rule, book.groupWindow(organizationId), now, now);
    if (!changes.flush(sql, properties, now).isEmpty() && retry) {
      condition(sql, organizationId, subjectKind, subjectId, condition, active, detail, now, false);
    }
  }

  private static Map<Key, Incident> lockCurrent(
      JdbcClient sql, Collection<UUID> subjectIds, List<String> conditions) {
    Map<Key, Incident> current = new HashMap<>();
    sql.sql(INCIDENTS_CURRENT_LOCK)
        .param("subject_ids", new SqlArrayValue("uuid", subjectIds.toArray()))
        .param("conditions", new SqlArrayValue("text", conditions.toArray()))
        .query(
            rs -> {
              Incident inc = Incident.read(rs);
              current.put(new Key(inc.organizationId, inc.subjectKind, inc.subjectId), inc);
            });
    return current;
  }

  /** Failure rates of the jobs whose rule is {@code failure_rate}, over each one's window. */
  private static Map<UUID, RuleEngine.Rate> rates(
      JdbcClient sql, RuleBook book, Set<Key> subjects, Instant now) {
    List<Object> ids = new ArrayList<>();
    List<Object> sinces = new ArrayList<>();
    for (Key k : subjects) {
      RuleSettings rule = book.effective(k.organizationId(), k.kind(), k.subjectId());
      if ("job".equals(k.kind()) && RuleSettings.FAILURE_RATE.equals(rule.trigger())) {
        ids.add(k.subjectId());
        sinces.add(RuleBook.ts(now.minus(rule.failureRateWindow())));
      }
    }
    Map<UUID, RuleEngine.Rate> rates = new HashMap<>();
    if (ids.isEmpty()) {
      return rates;
    }
    sql.sql(JOB_RUN_RATES)
        .param("subject_ids", new SqlArrayValue("uuid", ids.toArray()))
        .param("sinces", new SqlArrayValue("text", sinces.toArray()))
        .query(
            rs -> {
              rates.put(
                  rs.getObject("source_id", UUID.class),
                  new RuleEngine.Rate(rs.getInt("runs"), rs.getInt("failures")));
            });
    return rates;
  }

  /** A change to tell: one outbox row per channel the rule names. */
  record Tell(
      UUID incidentId, UUID organizationId, String change, String channelList, int windowS) {
    static Tell of(
        UUID incidentId, UUID organizationId, String change, RuleSettings rule, int windowS) {
      return new Tell(
          incidentId,
          organizationId,
          change,
          rule.channelIds() == null ? null : AlertRules.uuidArray(rule.channelIds()),
          windowS);
    }
  }

  /** Writes the outbox rows of these changes, each due as its channel's group says. */
  static void queue(JdbcClient sql, List<Tell> tells, long waitMs, Instant now) {
    if (tells.isEmpty()) {
      return;
    }
    int n = tells.size();
    Object[] incidents = new Object[n];
    Object[] orgs = new Object[n];
    Object[] changes = new Object[n];
    Object[] lists = new Object[n];
    Object[] windows = new Object[n];
    for (int k = 0; k < n; k++) {
      Tell t = tells.get(k);
      incidents[k] = t.incidentId();
      orgs[k] = t.organizationId();
      changes[k] = t.change();
      lists[k] = t.channelList();
      windows[k] = t.windowS();
    }
    sql.sql(PENDING_INSERT)
        .param("incident_ids", new SqlArrayValue("uuid", incidents))
        .param("organization_ids", new SqlArrayValue("uuid", orgs))
        .param("changes", new SqlArrayValue("text", changes))
        .param("channel_lists", new SqlArrayValue("text", lists))
        .param("window_s", new SqlArrayValue("integer", windows))
        .param("wait_ms", waitMs)
        .param("now", SqlTime.ts(now))
        .update();
  }

  /** An incident being decided on: read (locked) or new. */
  static final class Incident {
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

    static Incident fresh(UUID org, String kind, UUID subject, String condition, Instant at) {
      Incident i = new Incident();
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

    static Incident read(java.sql.ResultSet rs) throws SQLException {
      Incident i = new Incident();
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
      lastError = cut(o.error(), ERROR_CHARS);
      lastSnippet = cut(o.snippet(), SNIPPET_CHARS);
      lastExecutionId = o.executionId();
    }

    private static String cut(String s, int max) {
      return s == null || s.length() <= max ? s : s.substring(0, max);
    }
  }

  /** The writes and tells of one batch, flushed in a handful of array statements. */
  private static final class Changes {
    private final Set<Incident> touched = new LinkedHashSet<>();
    private final List<Object[]> tells = new ArrayList<>();

    /** Applies a decision; returns the incident that is current after it (null when closed). */
    Incident decide(
        Incident inc,
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

    void tell(Incident inc, String change, RuleSettings rule, java.time.Duration window) {
      tells.add(
          new Object[] {
            inc,
            change,
            rule.channelIds() == null ? null : AlertRules.uuidArray(rule.channelIds()),
            (int) window.toSeconds()
          });
    }

    /** Writes everything; returns the subjects whose new incident lost a race to another node. */
    Set<Key> flush(JdbcClient sql, AlertProperties properties, Instant now) {
      List<Incident> fresh = touched.stream().filter(i -> !i.stored).toList();
      List<Incident> stored = touched.stream().filter(i -> i.stored).toList();
      Set<Key> lost = new HashSet<>();
      Set<Incident> lostIncidents = new HashSet<>();
      if (!fresh.isEmpty()) {
        Set<UUID> inserted = new HashSet<>(insert(sql, fresh));
        for (Incident i : fresh) {
          if (!inserted.contains(i.id)) {
            lost.add(new Key(i.organizationId, i.subjectKind, i.subjectId));
            lostIncidents.add(i);
          }
        }
      }
      if (!stored.isEmpty()) {
        update(sql, stored);
      }
      List<Tell> told = new ArrayList<>();
      for (Object[] t : tells) {
        Incident inc = (Incident) t[0];
        if (!lostIncidents.contains(inc)) {
          told.add(
              new Tell(inc.id, inc.organizationId, (String) t[1], (String) t[2], (Integer) t[3]));
        }
      }
      queue(sql, told, properties.groupWait().toMillis(), now);
      return lost;
    }

    private static List<UUID> insert(JdbcClient sql, List<Incident> rows) {
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
        Incident i = rows.get(k);
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

    private static void update(JdbcClient sql, List<Incident> rows) {
      Columns c = new Columns(rows.size());
      for (int k = 0; k < rows.size(); k++) {
        c.set(k, rows.get(k));
      }
      c.bind(sql.sql(INCIDENTS_UPDATE)).update();
    }
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

    void set(int k, Incident i) {
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
