package eu.runlater.workflows;

import static eu.runlater.workflows.WorkflowAlertsQueries.WORKFLOW_ID_BY_KEY;
import static eu.runlater.workflows.WorkflowAlertsQueries.WORKFLOW_NAMES;

import eu.runlater.alerts.AlertSubjects;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * Names workflows in alert messages: the workflow's name and its page (a workflow has no pause);
 * the API names a workflow by its key (or id).
 */
@Component
class WorkflowAlertSubjects implements AlertSubjects {
  static final String KIND = "workflow";

  private final JdbcClient db;

  WorkflowAlertSubjects(JdbcClient db) {
    this.db = db;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Map<UUID, Subject> describe(UUID organizationId, Collection<UUID> ids) {
    Map<UUID, Subject> subjects = new HashMap<>();
    if (ids.isEmpty()) {
      return subjects;
    }
    db.sql(WORKFLOW_NAMES)
        .param("organization_id", organizationId)
        .param("ids", new SqlArrayValue("uuid", ids.toArray()))
        .query(
            rs -> {
              subjects.put(
                  rs.getObject("id", UUID.class),
                  new Subject(rs.getString("name"), path(rs.getString("key")), null));
            });
    return subjects;
  }

  @Override
  public Optional<UUID> resolve(UUID organizationId, String reference) {
    Optional<UUID> byKey =
        db.sql(WORKFLOW_ID_BY_KEY)
            .param("organization_id", organizationId)
            .param("key", reference)
            .query(UUID.class)
            .optional();
    return byKey.isPresent() ? byKey : AlertSubjects.super.resolve(organizationId, reference);
  }

  static String path(String key) {
    return "/workflows/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
  }
}
