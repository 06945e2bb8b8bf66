package eu.runlater.dashboard;

import static eu.runlater.dashboard.RunsQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.hosts.Holds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The runs log: an organization's executions, job runs and message deliveries, page by page. */
@Service
class Runs {
  static final int PAGE = 50;

  /** An upper bound no start reaches, for a log without "to": now plus any clock skew. */
  static final Duration AHEAD = Duration.ofDays(1);

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final RunOwners owners;

  Runs(JdbcClient jdbc, InstantSource clock, RunOwners owners) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.owners = owners;
  }

  /** One execution as the log shows it. */
  record Run(
      UUID id,
      Instant createdAt,
      String status,
      String sourceKind,
      UUID sourceId,
      UUID taskId,
      String jobName,
      String queueName,
      String alertChannel,
      String monitorName,
      int attempt,
      Instant scheduledFor,
      Instant startedAt,
      Long durationMs,
      Integer statusCode,
      String method,
      String url,
      String heldBy,
      String heldNote,
      String ownerName,
      String ownerLink) {

    /** This run with its owner named by its producer ({@link RunOwners}). */
    Run owned(String name, String link) {
      return new Run(
          id,
          createdAt,
          status,
          sourceKind,
          sourceId,
          taskId,
          jobName,
          queueName,
          alertChannel,
          monitorName,
          attempt,
          scheduledFor,
          startedAt,
          durationMs,
          statusCode,
          method,
          url,
          heldBy,
          heldNote,
          name,
          link);
    }

    /** What the log says of a run whose owner is gone. */
    public String goneWords() {
      return switch (sourceKind == null ? "" : sourceKind) {
        case "job" -> "Deleted job";
        case "run" -> "Deleted workflow run";
        case "inbound" -> "Deleted forward";
        default -> "Deleted " + sourceKind;
      };
    }

    /** What held the attempt back, as the engine recorded it, in a few words; or null. */
    public String heldWords() {
      if (heldBy == null) {
        return null;
      }
      return switch (heldBy) {
        case "host_circuit" -> "held by the open circuit of " + Holds.displayName(heldNote);
        case "host_throttle" -> "held: " + Holds.displayName(heldNote) + " asked to slow down";
        case "node_lost" -> "an earlier attempt was lost with node " + heldNote;
        default -> "held (" + heldBy + ")";
      };
    }

    /** The held host's page, or null. */
    public String heldHref() {
      return heldBy != null && heldBy.startsWith("host_") && heldNote != null
          ? Holds.href(heldNote)
          : null;
    }

    /** How late the attempt started after its run's scheduled time, when more than a second. */
    public Long lateMs() {
      if (scheduledFor == null || startedAt == null) {
        return null;
      }
      long ms = Duration.between(scheduledFor, startedAt).toMillis();
      return ms > 1000 ? ms : null;
    }

    public boolean message() {
      return "message".equals(sourceKind);
    }

    /** An attempt of an alert to a channel (its notification is {@code sourceId}). */
    public boolean alert() {
      return "alert".equals(sourceKind);
    }

    /** An uptime check of a monitor (its id is {@code sourceId}). */
    public boolean check() {
      return "monitor".equals(sourceKind);
    }
  }

  /**
   * A page of the log and the cursor of the next (older) one, null on the last page.
   *
   * @param errors the filter's problems by field; when any, the page has no rows
   */
  record Page(List<Run> rows, UUID next, Map<String, String> errors) {}

  /** The page after {@code cursor} (an execution id; null: the newest page). */
  Page page(UUID org, RunFilter filter, UUID cursor) {
    Map<String, String> errors = new java.util.LinkedHashMap<>(filter.errors());
    UUID job = filter.jobId();
    if (job != null && !errors.containsKey("job") && !exists(JOB_NAME, org, "id", job)) {
      errors.put("job", "No job with id " + job + " in this organization.");
    }
    UUID queue = filter.queue() == null ? null : id(QUEUE_ID, org, filter.queue()).orElse(null);
    if (filter.queue() != null && queue == null) {
      errors.put("queue", "No queue named \"" + filter.queue() + "\".");
    }
    UUID topic = filter.topic() == null ? null : id(TOPIC_ID, org, filter.topic()).orElse(null);
    if (filter.topic() != null && topic == null) {
      errors.put("topic", "No topic named \"" + filter.topic() + "\".");
    }
    if (!errors.isEmpty()) {
      return new Page(List.of(), null, Map.copyOf(errors));
    }
    Instant from = filter.fromInstant() == null ? Instant.EPOCH : filter.fromInstant();
    Instant to = filter.toInstant() == null ? clock.instant().plus(AHEAD) : filter.toInstant();
    // The cursor's start is the millisecond in its UUIDv7 id, as the engine writes created_at.
    Instant cursorAt = cursor == null ? to : Ids.instantOf(cursor);
    UUID cursorId = cursor == null ? new UUID(-1L, -1L) : cursor;
    List<Run> rows =
        jdbc.sql(RUNS_PAGE)
            .param("org", org)
            .param("from", SqlTime.ts(from))
            .param("to", SqlTime.ts(to))
            .param("cursor_at", SqlTime.ts(cursorAt))
            .param("cursor_id", cursorId)
            .param("status", filter.status())
            .param("job", job)
            .param("queue", queue)
            .param("topic", topic)
            .param("host", filter.hostPattern())
            .param("limit", PAGE + 1)
            .query(Runs::row)
            .list();
    UUID next = rows.size() > PAGE ? rows.get(PAGE - 1).id() : null;
    return new Page(
        owners.named(org, rows.size() > PAGE ? rows.subList(0, PAGE) : rows), next, Map.of());
  }

  /** One of a filter's choices: what the form sends and what it shows. */
  record Choice(String value, String label) {}

  List<Choice> jobs(UUID org) {
    return jdbc.sql(JOB_CHOICES)
        .param("org", org)
        .param("limit", CHOICES)
        .query((rs, n) -> new Choice(rs.getString("id"), rs.getString("name")))
        .list();
  }

  List<Choice> queues(UUID org) {
    return names(QUEUE_CHOICES, org);
  }

  List<Choice> topics(UUID org) {
    return names(TOPIC_CHOICES, org);
  }

  private List<Choice> names(String sql, UUID org) {
    return jdbc
        .sql(sql)
        .param("org", org)
        .param("limit", CHOICES)
        .query(String.class)
        .list()
        .stream()
        .map(n -> new Choice(n, n))
        .toList();
  }

  private boolean exists(String sql, UUID org, String name, Object value) {
    return jdbc.sql(sql)
        .param("org", org)
        .param(name, value)
        .query(String.class)
        .optional()
        .isPresent();
  }

  private Optional<UUID> id(String sql, UUID org, String name) {
    return jdbc.sql(sql).param("org", org).param("name", name).query(UUID.class).optional();
  }

  /** A row of RUNS_PAGE's columns (Home's recent executions read the same). */
  static Run row(ResultSet rs, int n) throws SQLException {
    long durationUs = rs.getLong("duration_us");
    Long durationMs = rs.wasNull() ? null : durationUs / 1000;
    int code = rs.getInt("status_code");
    Integer statusCode = rs.wasNull() ? null : code;
    return new Run(
        rs.getObject("id", UUID.class),
        SqlTime.instant(rs, "created_at"),
        rs.getString("status"),
        rs.getString("source_kind"),
        rs.getObject("source_id", UUID.class),
        rs.getObject("task_id", UUID.class),
        rs.getString("job_name"),
        rs.getString("queue_name"),
        rs.getString("alert_channel"),
        rs.getString("monitor_name"),
        rs.getInt("attempt"),
        SqlTime.instant(rs, "scheduled_for"),
        SqlTime.instant(rs, "started_at"),
        durationMs,
        statusCode,
        rs.getString("request_method"),
        rs.getString("request_url"),
        rs.getString("held_by"),
        rs.getString("held_note"),
        null,
        null);
  }
}
