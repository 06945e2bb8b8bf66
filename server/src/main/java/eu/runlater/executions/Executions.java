package eu.runlater.executions;

import static eu.runlater.executions.ExecutionsQueries.*;

import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Reads the execution history. */
@Service
public class Executions {
  private final JdbcClient jdbc;

  Executions(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Execution get(UUID organizationId, UUID id) {
    return find(organizationId, id).orElseThrow(() -> ApiProblem.notFound("execution", id));
  }

  public Optional<Execution> find(UUID organizationId, UUID id) {
    Instant createdAt;
    try {
      createdAt = Ids.instantOf(id);
    } catch (IllegalArgumentException notV7) {
      return Optional.empty();
    }
    return jdbc.sql(EXECUTION_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .param("created_from", SqlTime.ts(createdAt))
        .param("created_to", SqlTime.ts(createdAt.plusMillis(1)))
        .query((rs, n) -> map(rs, true))
        .optional();
  }

  /** Newest first; {@code cursor} is the last execution of the previous page. */
  public List<Execution> listBySource(
      UUID organizationId, UUID sourceId, String status, UUID cursor, int limit) {
    Instant cursorAt = cursor == null ? null : Ids.instantOf(cursor);
    return jdbc.sql(EXECUTION_LIST_BY_SOURCE)
        .param("organization_id", organizationId)
        .param("source_id", sourceId)
        .param("status", status)
        .param("cursor_at", SqlTime.ts(cursorAt))
        .param("cursor", cursor)
        .param("limit", limit)
        .query((rs, n) -> map(rs, false))
        .list();
  }

  /** Every attempt of one task, oldest first: the chain a retry or rescue made. */
  public List<Execution> attemptsOf(UUID organizationId, UUID taskId) {
    return jdbc.sql(EXECUTION_ATTEMPTS_OF_TASK)
        .param("organization_id", organizationId)
        .param("task_id", taskId)
        .query((rs, n) -> map(rs, false))
        .list();
  }

  private static Execution map(ResultSet rs, boolean detail) throws SQLException {
    Execution.Request request = null;
    Execution.Response response = null;
    if (detail) {
      request =
          new Execution.Request(
              rs.getString("request_url"),
              rs.getString("request_method"),
              HeaderCodec.fromJson(rs.getString("request_headers")),
              rs.getBytes("request_sealed_headers"),
              rs.getBytes("request_body"),
              rs.getBoolean("request_body_sealed"));
      String responseHeaders = rs.getString("response_headers");
      if (responseHeaders != null) {
        response =
            new Execution.Response(
                HeaderCodec.fromJson(responseHeaders),
                rs.getBytes("response_body"),
                rs.getBoolean("response_truncated"));
      }
    }
    return new Execution(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getObject("task_id", UUID.class),
        rs.getString("source_kind"),
        rs.getObject("source_id", UUID.class),
        rs.getInt("attempt"),
        rs.getString("status"),
        rs.getBoolean("final"),
        SqlTime.instant(rs, "scheduled_for"),
        SqlTime.instant(rs, "due_at"),
        SqlTime.instant(rs, "started_at"),
        SqlTime.instant(rs, "finished_at"),
        (Long) rs.getObject("duration_us"),
        (Integer) rs.getObject("status_code"),
        rs.getString("error"),
        rs.getString("node"),
        SqlTime.instant(rs, "next_attempt_at"),
        request,
        response);
  }
}
