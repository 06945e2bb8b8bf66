package eu.runlater.queues;

import static eu.runlater.queues.QueueAlertSubjectsQueries.QUEUE_ID_BY_NAME;
import static eu.runlater.queues.QueueAlertSubjectsQueries.QUEUE_NAMES;

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

/** Names queues in alert messages; the API names a queue by its name (or id). */
@Component
class QueueAlertSubjects implements AlertSubjects {
  static final String KIND = "queue";

  private final JdbcClient jdbc;

  QueueAlertSubjects(JdbcClient jdbc) {
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
    jdbc.sql(QUEUE_NAMES)
        .param("organization_id", organizationId)
        .param("ids", new SqlArrayValue("uuid", ids.toArray()))
        .query(
            rs -> {
              String name = rs.getString("name");
              String path = "/queues/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
              subjects.put(rs.getObject("id", UUID.class), new Subject(name, path, path));
            });
    return subjects;
  }

  @Override
  public Optional<UUID> resolve(UUID organizationId, String reference) {
    Optional<UUID> byName =
        jdbc.sql(QUEUE_ID_BY_NAME)
            .param("organization_id", organizationId)
            .param("name", reference)
            .query(UUID.class)
            .optional();
    return byName.isPresent() ? byName : AlertSubjects.super.resolve(organizationId, reference);
  }
}
