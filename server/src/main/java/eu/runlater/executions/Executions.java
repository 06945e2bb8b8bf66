package eu.runlater.executions;

import static eu.runlater.executions.ExecutionsQueries.*;

import eu.runlater.engine.Header;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SentHeaders;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Reads the execution history: the one API through which every producer of work (jobs, queues) and
 * every page reads it. The engine writes it; nothing here depends on a producer.
 */
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

  /** Whether any run of a source has ended (its final attempt is recorded). */
  public boolean anyFinal(UUID organizationId, UUID sourceId) {
    return jdbc.sql(EXECUTION_FINAL_EXISTS)
        .param("organization_id", organizationId)
        .param("source_id", sourceId)
        .query(Boolean.class)
        .single();
  }

  /**
   * A source's executions planned for {@code [from, to]}, by planned time: summaries, for a
   * planned-versus-actual view.
   */
  public List<Execution> scheduledBetween(
      UUID organizationId, UUID sourceId, Instant from, Instant to) {
    return jdbc.sql(EXECUTION_LIST_SCHEDULED_BETWEEN)
        .param("organization_id", organizationId)
        .param("source_id", sourceId)
        .param("from", SqlTime.ts(from))
        .param("to", SqlTime.ts(to))
        .query((rs, n) -> map(rs, false))
        .list();
  }

  /** A source's attempts since an instant, summed up. */
  public record Stats(long total, long succeeded, long failed, Double avgMs, Double p95Ms) {}

  public Stats stats(UUID organizationId, UUID sourceId, Instant since) {
    return jdbc.sql(EXECUTION_STATS_SINCE)
        .param("organization_id", organizationId)
        .param("source_id", sourceId)
        .param("since", SqlTime.ts(since))
        .query(
            (rs, n) ->
                new Stats(
                    rs.getLong("total"),
                    rs.getLong("succeeded"),
                    rs.getLong("failed"),
                    (Double) nullable(rs.getObject("avg_ms")),
                    (Double) nullable(rs.getObject("p95_ms"))))
        .single();
  }

  private static Object nullable(Object number) {
    return number == null ? null : ((Number) number).doubleValue();
  }

  /** A source's attempts on one UTC day. */
  public record DayCount(LocalDate day, long total, long succeeded) {}

  /** One entry per UTC day with attempts since {@code since}, oldest first. */
  public List<DayCount> daily(UUID organizationId, UUID sourceId, Instant since) {
    return jdbc.sql(EXECUTION_DAILY_SINCE)
        .param("organization_id", organizationId)
        .param("source_id", sourceId)
        .param("since", SqlTime.ts(since))
        .query(
            (rs, n) ->
                new DayCount(
                    rs.getObject("day", LocalDate.class),
                    rs.getLong("total"),
                    rs.getLong("succeeded")))
        .list();
  }

  /**
   * The version of a source's history: its newest execution and how many started after {@code
   * recent}, as {@code newest.count}. It moves whenever an execution of the source lands.
   */
  public String sourceVersion(UUID organizationId, UUID sourceId, Instant recent) {
    return jdbc.sql(EXECUTION_SOURCE_VERSION)
        .param("organization_id", organizationId)
        .param("source_id", sourceId)
        .param("recent", SqlTime.ts(recent))
        .query((rs, n) -> rs.getString("newest") + "." + rs.getLong("recent"))
        .single();
  }

  private static Execution map(ResultSet rs, boolean detail) throws SQLException {
    Execution.Request request = null;
    Execution.Response response = null;
    if (detail) {
      List<Header> headers = HeaderCodec.fromJson(rs.getString("request_headers"));
      if (rs.getBoolean("request_headers_derived")) {
        headers =
            SentHeaders.expand(
                headers,
                rs.getObject("task_id", UUID.class),
                rs.getString("source_kind"),
                rs.getObject("source_id", UUID.class),
                rs.getObject("id", UUID.class),
                rs.getInt("attempt"),
                SqlTime.instant(rs, "started_at"));
      }
      request =
          new Execution.Request(
              rs.getString("request_url"),
              rs.getString("request_method"),
              headers,
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
        response,
        held(rs));
  }

  private static Execution.Held held(ResultSet rs) throws SQLException {
    String by = rs.getString("held_by");
    return by == null
        ? null
        : new Execution.Held(
            by,
            SqlTime.instant(rs, "held_since"),
            SqlTime.instant(rs, "held_until"),
            rs.getString("held_note"));
  }
}
