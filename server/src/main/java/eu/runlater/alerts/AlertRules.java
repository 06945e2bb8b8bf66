package eu.runlater.alerts;

import static eu.runlater.alerts.AlertRulesQueries.CHANNELS_EXISTING;
import static eu.runlater.alerts.AlertRulesQueries.RULE_DELETE;
import static eu.runlater.alerts.AlertRulesQueries.RULE_GET;
import static eu.runlater.alerts.AlertRulesQueries.RULE_PUT;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The organization's default rule and the overrides per job, queue, monitor and workflow. Writes
 * are checked: a bad value is an {@code ApiProblem} 422 naming the field, and changes nothing.
 */
@Service
public class AlertRules {
  static final String ORGANIZATION = "organization";
  static final Set<String> SUBJECT_KINDS = Set.of("job", "queue", "monitor", "workflow");

  private final JdbcClient jdbc;
  private final InstantSource clock;

  AlertRules(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The organization's defaults as stored (nulls: built-in). */
  public RuleSettings defaults(UUID organizationId) {
    return override(organizationId, ORGANIZATION, organizationId);
  }

  /** A subject's override as stored ({@link RuleSettings#INHERIT} if none). */
  public RuleSettings override(UUID organizationId, String subjectKind, UUID subjectId) {
    return jdbc.sql(RULE_GET)
        .param("organization_id", organizationId)
        .param("subject_kind", subjectKind)
        .param("subject_id", subjectId)
        .query((rs, n) -> settings(rs))
        .optional()
        .orElse(RuleSettings.INHERIT);
  }

  /** What applies to a subject: its override over the defaults over the built-in rule. */
  public RuleSettings effective(UUID organizationId, String subjectKind, UUID subjectId) {
    return override(organizationId, subjectKind, subjectId)
        .over(defaults(organizationId).over(RuleSettings.BUILT_IN));
  }

  /** What applies to many subjects of one kind at once (two statements): subject → its rule. */
  public Map<UUID, RuleSettings> effective(
      String subjectKind, Map<UUID, UUID> organizationBySubject) {
    RuleBook book =
        RuleBook.load(
            jdbc, new HashSet<>(organizationBySubject.values()), organizationBySubject.keySet());
    Map<UUID, RuleSettings> rules = new HashMap<>();
    organizationBySubject.forEach(
        (subject, org) -> rules.put(subject, book.effective(org, subjectKind, subject)));
    return rules;
  }

  @Transactional
  public RuleSettings putDefaults(UUID organizationId, RuleSettings settings) {
    return put(organizationId, ORGANIZATION, organizationId, settings);
  }

  @Transactional
  public RuleSettings putOverride(
      UUID organizationId, String subjectKind, UUID subjectId, RuleSettings settings) {
    if (!SUBJECT_KINDS.contains(subjectKind)) {
      throw new IllegalArgumentException("no rules for " + subjectKind);
    }
    return put(organizationId, subjectKind, subjectId, settings);
  }

  /** Back to the defaults. */
  @Transactional
  public void deleteOverride(UUID organizationId, String subjectKind, UUID subjectId) {
    jdbc.sql(RULE_DELETE)
        .param("organization_id", organizationId)
        .param("subject_kind", subjectKind)
        .param("subject_id", subjectId)
        .update();
  }

  private RuleSettings put(
      UUID organizationId, String subjectKind, UUID subjectId, RuleSettings s) {
    check(organizationId, subjectKind, s);
    jdbc.sql(RULE_PUT)
        .param("organization_id", organizationId)
        .param("subject_kind", subjectKind)
        .param("subject_id", subjectId)
        .param("trigger", s.trigger())
        .param("consecutive_failures", s.consecutiveFailures())
        .param("failure_rate_percent", s.failureRatePercent())
        .param("failure_rate_window_s", seconds(s.failureRateWindow()))
        .param("failure_rate_min_runs", s.failureRateMinRuns())
        .param("recovery", s.recovery())
        .param("realert_every_s", seconds(s.realertEvery()))
        .param("muted_forever", Instant.MAX.equals(s.mutedUntil()))
        .param(
            "muted_until",
            s.mutedUntil() == null || Instant.MAX.equals(s.mutedUntil())
                ? null
                : SqlTime.ts(s.mutedUntil()))
        .param("channel_ids", s.channelIds() == null ? null : uuidArray(s.channelIds()))
        .param("dead_letters", s.deadLetters())
        .param("depth_above", s.depthAbove())
        .param("oldest_waiting_s", seconds(s.oldestWaiting()))
        .param("group_window_s", seconds(s.groupWindow()))
        .param("usage_alerts", s.usageAlerts())
        .param("now", SqlTime.ts(clock.instant()))
        .update();
    return override(organizationId, subjectKind, subjectId);
  }

  /** Every problem of a rule at once, named by the API's fields. */
  private void check(UUID organizationId, String kind, RuleSettings s) {
    List<FieldError> errors = new ArrayList<>();
    boolean org = ORGANIZATION.equals(kind);
    if (s.trigger() != null
        && !List.of(RuleSettings.FIRST_FAILURE, RuleSettings.CONSECUTIVE, RuleSettings.FAILURE_RATE)
            .contains(s.trigger())) {
      errors.add(new FieldError("trigger", "must be first_failure, consecutive or failure_rate"));
    } else if (RuleSettings.FAILURE_RATE.equals(s.trigger()) && !RuleBook.rated(kind)) {
      errors.add(new FieldError("trigger", "failure_rate applies to jobs and monitors"));
    }
    range(errors, "consecutive_failures", s.consecutiveFailures(), 2, 100);
    range(errors, "failure_rate_percent", s.failureRatePercent(), 1, 100);
    range(errors, "failure_rate_window_seconds", seconds(s.failureRateWindow()), 60, 86_400);
    range(errors, "failure_rate_min_runs", s.failureRateMinRuns(), 1, 10_000);
    Integer realert = seconds(s.realertEvery());
    if (realert != null && realert != 0) {
      range(errors, "realert_every_seconds", realert, 60, 30 * 86_400);
    }
    if (s.channelIds() != null && !s.channelIds().isEmpty()) {
      Set<UUID> found =
          new HashSet<>(
              jdbc.sql(CHANNELS_EXISTING)
                  .param("organization_id", organizationId)
                  .param("ids", uuidArray(s.channelIds()))
                  .query((rs, n) -> rs.getObject(1, UUID.class))
                  .list());
      for (UUID id : s.channelIds()) {
        if (!found.contains(id)) {
          errors.add(new FieldError("channel_ids", "no channel with id " + id));
        }
      }
    }
    if (!org && !"queue".equals(kind)) {
      only(errors, "dead_letters", s.deadLetters(), "queues");
      only(errors, "depth_above", s.depthAbove(), "queues");
      only(errors, "oldest_waiting_seconds", s.oldestWaiting(), "queues");
    }
    range(errors, "depth_above", s.depthAbove(), 0, 100_000_000);
    Integer oldest = seconds(s.oldestWaiting());
    if (oldest != null && oldest != 0) {
      range(errors, "oldest_waiting_seconds", oldest, 60, 30 * 86_400);
    }
    if (!org) {
      only(errors, "group_window_seconds", s.groupWindow(), "the defaults");
      only(errors, "usage_alerts", s.usageAlerts(), "the defaults");
    }
    range(errors, "group_window_seconds", seconds(s.groupWindow()), 0, 3_600);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
  }

  private static void only(List<FieldError> errors, String field, Object value, String where) {
    if (value != null) {
      errors.add(new FieldError(field, "applies to " + where + " only; leave it out"));
    }
  }

  private static void range(
      List<FieldError> errors, String field, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      errors.add(new FieldError(field, "must be between " + min + " and " + max));
    }
  }

  static Integer seconds(Duration d) {
    if (d == null) {
      return null;
    }
    long s = d.toSeconds();
    return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
  }

  static String uuidArray(List<UUID> ids) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < ids.size(); i++) {
      b.append(i == 0 ? "" : ",").append(ids.get(i));
    }
    return b.append('}').toString();
  }

  /** A stored rule; also read by the signals and the gauges. */
  static RuleSettings settings(ResultSet rs) throws SQLException {
    Instant muted =
        rs.getBoolean("muted_forever") ? Instant.MAX : SqlTime.instant(rs, "muted_until");
    Array channels = rs.getArray("channel_ids");
    List<UUID> channelIds = null;
    if (channels != null) {
      channelIds = List.of((UUID[]) channels.getArray());
    }
    return new RuleSettings(
        rs.getString("trigger"),
        (Integer) rs.getObject("consecutive_failures"),
        (Integer) rs.getObject("failure_rate_percent"),
        duration(rs, "failure_rate_window_s"),
        (Integer) rs.getObject("failure_rate_min_runs"),
        (Boolean) rs.getObject("recovery"),
        duration(rs, "realert_every_s"),
        muted,
        channelIds,
        (Boolean) rs.getObject("dead_letters"),
        (Integer) rs.getObject("depth_above"),
        duration(rs, "oldest_waiting_s"),
        duration(rs, "group_window_s"),
        (Boolean) rs.getObject("usage_alerts"));
  }

  private static Duration duration(ResultSet rs, String column) throws SQLException {
    Object v = rs.getObject(column);
    return v == null ? null : Duration.ofSeconds(((Number) v).longValue());
  }
}
