package eu.runlater.monitors;

import eu.runlater.alerts.AlertSubjects;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/** Names monitors in alert messages: the monitor's name, its page, and its page to pause it. */
@Component
class MonitorAlertSubjects implements AlertSubjects {
  private final JdbcClient jdbc;

  MonitorAlertSubjects(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public String kind() {
    return MonitorTransitions.SUBJECT_KIND;
  }

  @Override
  public Map<UUID, Subject> describe(UUID organizationId, Collection<UUID> ids) {
    Map<UUID, Subject> subjects = new HashMap<>();
    if (ids.isEmpty()) {
      return subjects;
    }
    jdbc.sql(MonitorsQueries.MONITOR_NAMES)
        .param("organization_id", organizationId)
        .param("ids", new SqlArrayValue("uuid", ids.toArray()))
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              String path = "/monitors/" + id;
              subjects.put(id, new Subject(rs.getString("name"), path, path));
            });
    return subjects;
  }
}
