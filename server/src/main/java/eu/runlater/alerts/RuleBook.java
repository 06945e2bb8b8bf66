package eu.runlater.alerts;

import static eu.runlater.alerts.AlertRulesQueries.RULES_OF_SUBJECTS;
import static eu.runlater.alerts.AlertSignalsQueries.WINDOWS_OF_ORGANIZATIONS;

import eu.runlater.engine.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * The rules and maintenance windows of some organizations and subjects, read in two statements and
 * then asked per subject: what applies, whether it is quiet now, how long its channels' groups are.
 */
final class RuleBook {
  private record Key(UUID organizationId, String kind, UUID subjectId) {}

  private final Map<Key, RuleSettings> rules = new HashMap<>();
  private final Map<UUID, List<MaintenanceWindows.Window>> windows = new HashMap<>();

  private RuleBook() {}

  static RuleBook load(
      JdbcClient jdbc, Collection<UUID> organizationIds, Collection<UUID> subjectIds) {
    RuleBook book = new RuleBook();
    if (organizationIds.isEmpty()) {
      return book;
    }
    SqlArrayValue orgs = new SqlArrayValue("uuid", organizationIds.toArray());
    jdbc.sql(RULES_OF_SUBJECTS)
        .param("organization_ids", orgs)
        .param("subject_ids", new SqlArrayValue("uuid", subjectIds.toArray()))
        .query(
            rs -> {
              book.rules.put(
                  new Key(
                      rs.getObject("organization_id", UUID.class),
                      rs.getString("subject_kind"),
                      rs.getObject("subject_id", UUID.class)),
                  AlertRules.settings(rs));
            });
    jdbc.sql(WINDOWS_OF_ORGANIZATIONS)
        .param("organization_ids", new SqlArrayValue("uuid", organizationIds.toArray()))
        .query(
            rs -> {
              book.windows
                  .computeIfAbsent(
                      rs.getObject("organization_id", UUID.class), k -> new ArrayList<>())
                  .add(MaintenanceWindows.raw(rs));
            });
    return book;
  }

  RuleSettings defaults(UUID organizationId) {
    return rules
        .getOrDefault(
            new Key(organizationId, AlertRules.ORGANIZATION, organizationId), RuleSettings.INHERIT)
        .over(RuleSettings.BUILT_IN);
  }

  RuleSettings effective(UUID organizationId, String kind, UUID subjectId) {
    RuleSettings rule =
        rules
            .getOrDefault(new Key(organizationId, kind, subjectId), RuleSettings.INHERIT)
            .over(defaults(organizationId));
    if (!rated(kind) && RuleSettings.FAILURE_RATE.equals(rule.trigger())) {
      // A queue's or a workflow's override cannot say failure_rate (422); one inherited from the
      // defaults means the first failure for them (no history of their own to take a rate of).
      return new RuleSettings(
              RuleSettings.FIRST_FAILURE,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null)
          .over(rule);
    }
    return rule;
  }

  /** Whether a failure rate can apply to subjects of this kind (queues and workflows: no). */
  static boolean rated(String kind) {
    return !"queue".equals(kind) && !"workflow".equals(kind);
  }

  Duration groupWindow(UUID organizationId) {
    Duration d = defaults(organizationId).groupWindow();
    return d == null ? Duration.ofSeconds(60) : d;
  }

  boolean inMaintenance(UUID organizationId, Instant now) {
    for (MaintenanceWindows.Window w : windows.getOrDefault(organizationId, List.of())) {
      if (MaintenanceWindows.startOfActive(w, now) != null) {
        return true;
      }
    }
    return false;
  }

  /** Muted, or in a maintenance window: tracked, not told. */
  boolean quiet(UUID organizationId, RuleSettings rule, Instant now) {
    return rule.mutedAt(now) || inMaintenance(organizationId, now);
  }

  static String ts(Instant at) {
    return at == null ? null : SqlTime.ts(at).toString();
  }
}
