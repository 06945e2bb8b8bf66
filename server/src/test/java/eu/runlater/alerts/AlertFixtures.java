package eu.runlater.alerts;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Channels and outcomes for alert tests, written straight to the tables the tests read. */
final class AlertFixtures {
  private final JdbcClient jdbc;
  private final DataSource dataSource;

  AlertFixtures(JdbcClient jdbc, DataSource dataSource) {
    this.jdbc = jdbc;
    this.dataSource = dataSource;
  }

  /** A webhook channel posting to {@code url} (settings as the channels branch stores them). */
  UUID channel(UUID organizationId, String name, boolean optIn, String url) {
    UUID id = Ids.v7(Instant.now());
    jdbc.sql(
            """
            INSERT INTO alert_channels (id, organization_id, name, kind, settings, opt_in,
                                        created_at, updated_at)
            VALUES (:id, :org, :name, 'webhook', CAST(:settings AS jsonb), :opt_in, now(), now())
            """)
        .param("id", id)
        .param("org", organizationId)
        .param("name", name)
        .param("settings", "{\"url\": \"" + (url == null ? "" : url) + "\"}")
        .param("opt_in", optIn)
        .update();
    return id;
  }

  static Outcome failure(UUID org, String kind, UUID subject, Instant at) {
    return new Outcome(org, kind, subject, false, at, 500, "HTTP 500", "boom", null);
  }

  static Outcome success(UUID org, String kind, UUID subject, Instant at) {
    return new Outcome(org, kind, subject, true, at, 200, null, null, null);
  }

  interface Work {
    void run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in a transaction of its own, as an outcome hook would. */
  void inTransaction(Work work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  record Incident(UUID id, String state, int failures, int consecutive, boolean announced) {}

  List<Incident> incidents(UUID subjectId) {
    return jdbc.sql(
            """
            SELECT id, state, failures, consecutive_failures, announced FROM alert_incidents
            WHERE subject_id = :id ORDER BY id
            """)
        .param("id", subjectId)
        .query(
            (rs, n) ->
                new Incident(
                    rs.getObject(1, UUID.class),
                    rs.getString(2),
                    rs.getInt(3),
                    rs.getInt(4),
                    rs.getBoolean(5)))
        .list();
  }

  record Pending(UUID channelId, UUID incidentId, String change, Instant dueAt) {}

  List<Pending> pending(UUID organizationId) {
    return jdbc.sql(
            """
            SELECT channel_id, incident_id, change, due_at FROM alert_pending
            WHERE organization_id = :org ORDER BY created_at, channel_id
            """)
        .param("org", organizationId)
        .query(
            (rs, n) ->
                new Pending(
                    rs.getObject(1, UUID.class),
                    rs.getObject(2, UUID.class),
                    rs.getString(3),
                    SqlTime.instant(rs, "due_at")))
        .list();
  }
}
