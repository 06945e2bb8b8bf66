package eu.runlater.jobs;

import static eu.runlater.jobs.JobAlertSubjectsQueries.JOB_NAMES;

import eu.runlater.alerts.AlertSubjects;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/** Names jobs in alert messages: the job's name, its page, and its page to pause it from. */
@Component
class JobAlertSubjects implements AlertSubjects {
  static final String KIND = JobTasks.SOURCE_KIND;

  private final JdbcClient jdbc;

  JobAlertSubjects(JdbcClient jdbc) {
    this.jdbc = jdbc;
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
    jdbc.sql(JOB_NAMES)
        .param("organization_id", organizationId)
        .param("ids", new SqlArrayValue("uuid", ids.toArray()))
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              String path = "/jobs/" + id;
              subjects.put(id, new Subject(rs.getString("name"), path, path));
            });
    return subjects;
  }
}
