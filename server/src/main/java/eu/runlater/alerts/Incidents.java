package eu.runlater.alerts;

import static eu.runlater.alerts.IncidentsQueries.INCIDENTS_OPEN;
import static eu.runlater.alerts.IncidentsQueries.INCIDENTS_OPEN_OF_SUBJECTS;
import static eu.runlater.alerts.IncidentsQueries.INCIDENTS_PAGE;
import static eu.runlater.alerts.IncidentsQueries.INCIDENTS_WINDOWS;
import static eu.runlater.alerts.IncidentsQueries.INCIDENT_GET;

import eu.runlater.engine.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Service;

/** Incidents as the pages show them: a badge on a failing item, the list of what is broken. */
@Service
public class Incidents {
  private final JdbcClient jdbc;
  private final InstantSource clock;

  Incidents(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * An incident that is open (its alert went or waits), for a subject and condition.
   *
   * @param condition {@code failing}, {@code depth}, {@code oldest_waiting}, {@code usage_80},
   *     {@code usage_100}
   * @param detail the condition in words, for the badge's title
   */
  public record Incident(
      UUID id,
      String subjectKind,
      UUID subjectId,
      String subjectName,
      String condition,
      Instant since,
      int consecutiveFailures,
      Integer lastStatusCode,
      String lastError,
      String detail,
      boolean muted) {}

  /** An incident in full, for the API: any state. */
  record Record(
      UUID id,
      String subjectKind,
      UUID subjectId,
      String subjectName,
      String condition,
      String state,
      Instant firstFailureAt,
      Instant lastFailureAt,
      Instant openedAt,
      Instant closedAt,
      int consecutiveFailures,
      int failures,
      Integer lastStatusCode,
      String lastError,
      String lastSnippet,
      UUID lastExecutionId,
      String detail,
      boolean announced,
      Instant lastAlertAt,
      int realerts) {}

  /** The open incidents of these subjects, one per subject (the oldest when several). */
  public Map<UUID, Incident> open(UUID organizationId, String subjectKind, Collection<UUID> ids) {
    Map<UUID, Incident> open = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return open;
    }
    List<Record> rows =
        jdbc.sql(INCIDENTS_OPEN_OF_SUBJECTS)
            .param("organization_id", organizationId)
            .param("subject_kind", subjectKind)
            .param("ids", new SqlArrayValue("uuid", ids.toArray()))
            .query((rs, n) -> record(rs))
            .list();
    for (Incident i : badges(organizationId, rows)) {
      open.putIfAbsent(i.subjectId(), i);
    }
    return open;
  }

  /**
   * When an incident of these subjects was open (from its opening to its close, or null while it
   * is), for the spans that reach past {@code since}: a status page's uptime bars for jobs and
   * queues.
   *
   * @param condition {@code failing}, …
   */
  public record Window(UUID subjectId, Instant from, Instant to) {}

  /** The open spans of the subjects' incidents of {@code condition} since {@code since}. */
  public List<Window> windows(
      UUID organizationId,
      String subjectKind,
      Collection<UUID> ids,
      String condition,
      Instant since) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(INCIDENTS_WINDOWS)
        .param("organization_id", organizationId)
        .param("subject_kind", subjectKind)
        .param("ids", new SqlArrayValue("uuid", ids.toArray()))
        .param("condition", condition)
        .param("since", SqlTime.ts(since))
        .query(
            (rs, n) ->
                new Window(
                    rs.getObject("subject_id", UUID.class),
                    SqlTime.instant(rs, "opened_at"),
                    SqlTime.instant(rs, "closed_at")))
        .list();
  }

  /** Every open incident of the organization, oldest first. */
  public List<Incident> open(UUID organizationId) {
    return badges(
        organizationId,
        jdbc.sql(INCIDENTS_OPEN)
            .param("organization_id", organizationId)
            .query((rs, n) -> record(rs))
            .list());
  }

  /**
   * A page of incidents, newest first.
   *
   * @param state {@code open} (pending or open), {@code closed}, or null for both
   */
  List<Record> page(
      UUID organizationId,
      String state,
      String subjectKind,
      UUID subjectId,
      UUID before,
      int limit) {
    return jdbc.sql(INCIDENTS_PAGE)
        .param("organization_id", organizationId)
        .param("state", state)
        .param("subject_kind", subjectKind)
        .param("subject_id", subjectId)
        .param("before", before)
        .param("limit", limit)
        .query((rs, n) -> record(rs))
        .list();
  }

  Optional<Record> find(UUID organizationId, UUID id) {
    return jdbc.sql(INCIDENT_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> record(rs))
        .optional();
  }

  private List<Incident> badges(UUID organizationId, List<Record> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Set<UUID> subjects = new HashSet<>();
    rows.forEach(r -> subjects.add(r.subjectId()));
    RuleBook book = RuleBook.load(jdbc, List.of(organizationId), subjects);
    Instant now = clock.instant();
    return rows.stream()
        .map(
            r ->
                new Incident(
                    r.id(),
                    r.subjectKind(),
                    r.subjectId(),
                    r.subjectName(),
                    r.condition(),
                    r.firstFailureAt(),
                    r.consecutiveFailures(),
                    r.lastStatusCode(),
                    r.lastError(),
                    r.detail(),
                    book.effective(organizationId, r.subjectKind(), r.subjectId()).mutedAt(now)))
        .toList();
  }

  static Record record(ResultSet rs) throws SQLException {
    return new Record(
        rs.getObject("id", UUID.class),
        rs.getString("subject_kind"),
        rs.getObject("subject_id", UUID.class),
        rs.getString("subject_name"),
        rs.getString("condition"),
        rs.getString("state"),
        SqlTime.instant(rs, "first_failure_at"),
        SqlTime.instant(rs, "last_failure_at"),
        SqlTime.instant(rs, "opened_at"),
        SqlTime.instant(rs, "closed_at"),
        rs.getInt("consecutive_failures"),
        rs.getInt("failures"),
        (Integer) rs.getObject("last_status_code"),
        rs.getString("last_error"),
        rs.getString("last_snippet"),
        rs.getObject("last_execution_id", UUID.class),
        rs.getString("detail"),
        rs.getBoolean("announced"),
        SqlTime.instant(rs, "last_alert_at"),
        rs.getInt("realerts"));
  }
}
