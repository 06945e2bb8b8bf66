package eu.runlater.alerts;

import static eu.runlater.alerts.AlertSignalsQueries.INCIDENTS_CURRENT_LOCK;
import static eu.runlater.alerts.AlertSignalsQueries.JOB_RUN_RATES;
import static eu.runlater.alerts.AlertSignalsQueries.PENDING_INSERT;

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

  record Key(UUID organizationId, String kind, UUID subjectId) {}

  private void outcomes(JdbcClient sql, List<Outcome> outcomes, Instant now, boolean retry) {
    Set<UUID> subjectIds = new HashSet<>();
    boolean anyFailure = false;
    for (Outcome o : outcomes) {
      subjectIds.add(o.subjectId());
      anyFailure |= !o.success();
    }
    Map<Key, TrackedIncident> current = lockCurrent(sql, subjectIds, List.of(FAILING));
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

    IncidentBatch changes = new IncidentBatch();
    for (var e : bySubject.entrySet()) {
      Key key = e.getKey();
      RuleSettings rule = book.effective(key.organizationId(), key.kind(), key.subjectId());
      boolean quiet = book.quiet(key.organizationId(), rule, now);
      RuleEngine.Rate rate = rates.getOrDefault(key.subjectId(), RuleEngine.Rate.UNKNOWN);
      TrackedIncident inc = current.get(key);
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
                TrackedIncident.fresh(
                    key.organizationId(), key.kind(), key.subjectId(), FAILING, o.at());
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
    TrackedIncident inc = lockCurrent(sql, List.of(subjectId), List.of(condition)).get(key);
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
        inc = TrackedIncident.fresh(organizationId, subjectKind, subjectId, condition, now);
      }
      inc.lastFailureAt = now;
      inc.detail = detail;
      inc.failures = Math.max(inc.failures, 1);
    }
    IncidentBatch changes = new IncidentBatch();
    changes.decide(inc, d, rule, book.groupWindow(organizationId), now, now);
    if (!changes.flush(sql, properties, now).isEmpty() && retry) {
      condition(sql, organizationId, subjectKind, subjectId, condition, active, detail, now, false);
    }
  }

  private static Map<Key, TrackedIncident> lockCurrent(
      JdbcClient sql, Collection<UUID> subjectIds, List<String> conditions) {
    Map<Key, TrackedIncident> current = new HashMap<>();
    sql.sql(INCIDENTS_CURRENT_LOCK)
        .param("subject_ids", new SqlArrayValue("uuid", subjectIds.toArray()))
        .param("conditions", new SqlArrayValue("text", conditions.toArray()))
        .query(
            rs -> {
              TrackedIncident inc = TrackedIncident.read(rs);
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
}
