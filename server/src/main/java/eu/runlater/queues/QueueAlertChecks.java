package eu.runlater.queues;

import static eu.runlater.queues.QueueAlertChecksQueries.QUEUES_ALL;
import static eu.runlater.queues.QueueAlertChecksQueries.QUEUE_DEPTH_CAPPED;
import static eu.runlater.queues.QueueAlertChecksQueries.QUEUE_OLDEST_WAITING;

import eu.runlater.alerts.AlertGauge;
import eu.runlater.alerts.AlertRules;
import eu.runlater.alerts.AlertSignals;
import eu.runlater.alerts.RuleSettings;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ConnectionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The queues' gauges, on the leader every gauge interval: a queue whose rule sets {@code
 * depth_above} has an incident while more messages than that wait; one whose rule sets {@code
 * oldest_waiting} has one while a message has waited longer than that since it could go. Queues
 * without thresholds are told inactive, so an incident closes when its threshold is turned off.
 */
@Component
class QueueAlertChecks implements AlertGauge {
  static final String DEPTH = "depth";
  static final String OLDEST_WAITING = "oldest_waiting";

  private final AlertSignals signals;
  private final AlertRules rules;

  QueueAlertChecks(AlertSignals signals, AlertRules rules) {
    this.signals = signals;
    this.rules = rules;
  }

  private record Q(UUID id, UUID organizationId, String name) {}

  @Override
  public void measure(Connection connection, Instant now) throws SQLException {
    JdbcClient jdbc = ConnectionSql.on(connection);
    List<Q> queues =
        jdbc.sql(QUEUES_ALL)
            .query(
                (rs, n) ->
                    new Q(
                        rs.getObject("id", UUID.class),
                        rs.getObject("organization_id", UUID.class),
                        rs.getString("name")))
            .list();
    if (queues.isEmpty()) {
      return;
    }
    Map<UUID, UUID> orgs = new HashMap<>();
    queues.forEach(q -> orgs.put(q.id(), q.organizationId()));
    Map<UUID, RuleSettings> effective = rules.effective(QueueAlertSubjects.KIND, orgs);
    for (Q q : queues) {
      RuleSettings rule = effective.get(q.id());
      int above = rule.depthAbove() == null ? 0 : rule.depthAbove();
      boolean deep = false;
      String depthText = null;
      if (above > 0) {
        long depth =
            jdbc.sql(QUEUE_DEPTH_CAPPED)
                .param("queue_id", q.id())
                .param("cap", above + 1L)
                .query(Long.class)
                .single();
        deep = depth > above;
        depthText = String.format("more than %,d messages waiting", above);
      }
      signals.condition(
          connection,
          q.organizationId(),
          QueueAlertSubjects.KIND,
          q.id(),
          DEPTH,
          deep,
          depthText,
          now);
      Duration oldest = rule.oldestWaiting() == null ? Duration.ZERO : rule.oldestWaiting();
      boolean old = false;
      String oldText = null;
      if (oldest.isPositive()) {
        Instant since =
            jdbc.sql(QUEUE_OLDEST_WAITING)
                .param("queue_id", q.id())
                .query((rs, n) -> SqlTime.instant(rs, "not_before"))
                .optional()
                .orElse(null);
        old = since != null && since.plus(oldest).isBefore(now);
        if (since != null) {
          oldText =
              "a message has waited "
                  + Duration.between(since, now).toMinutes()
                  + " min, over "
                  + oldest.toMinutes()
                  + " min";
        }
      }
      signals.condition(
          connection,
          q.organizationId(),
          QueueAlertSubjects.KIND,
          q.id(),
          OLDEST_WAITING,
          old,
          oldText,
          now);
    }
  }
}
