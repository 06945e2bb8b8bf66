package eu.runlater.status;

import static eu.runlater.status.IncidentBookQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
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
import org.springframework.transaction.annotation.Transactional;

/**
 * Incidents and scheduled maintenance, told through updates over time. An update posted with {@code
 * notify} queues one mail per confirmed subscriber of the pages it shows on, in the same
 * transaction ({@code status_mail_outbox}, sent by {@link IncidentMailer}). The organization id
 * null is the instance itself (its incidents show on {@code /status}; the operator tells them).
 */
@Service
class IncidentBook {
  static final List<String> IMPACTS = List.of("none", "minor", "major", "critical");
  static final List<String> INCIDENT_STATUSES =
      List.of("investigating", "identified", "monitoring", "resolved");
  static final List<String> MAINTENANCE_STATUSES = List.of("scheduled", "in_progress", "completed");
  static final int MAX_TITLE = 200;
  static final int MAX_BODY = 10_000;

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final PublicCache cache;

  IncidentBook(JdbcClient jdbc, InstantSource clock, PublicCache cache) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.cache = cache;
  }

  /**
   * @param kind {@code incident} or {@code maintenance}
   * @param automatic opened by a component's subject going down (subject kind and id say which)
   */
  record Incident(
      UUID id,
      UUID organizationId,
      String kind,
      String title,
      String impact,
      String status,
      boolean automatic,
      String subjectKind,
      UUID subjectId,
      Instant startsAt,
      Instant endsAt,
      Instant createdAt,
      Instant updatedAt,
      Instant resolvedAt,
      List<AffectedComponent> components,
      List<Update> updates) {
    public boolean open() {
      return resolvedAt == null;
    }

    public boolean maintenance() {
      return "maintenance".equals(kind);
    }

    public List<String> statuses() {
      return maintenance() ? MAINTENANCE_STATUSES : INCIDENT_STATUSES;
    }
  }

  record AffectedComponent(UUID id, String name, UUID pageId, String pageTitle) {}

  /**
   * @param mailsWaiting mails of this update still in the outbox
   */
  record Update(
      UUID id,
      String status,
      String body,
      boolean notifies,
      Instant createdAt,
      long mailsWaiting) {}

  /** A new incident or maintenance; its first update says {@code body}. */
  record NewIncident(
      String kind,
      String title,
      String impact,
      String status,
      String body,
      boolean notifies,
      List<UUID> componentIds,
      Instant startsAt,
      Instant endsAt) {}

  /**
   * @param impact null keeps the incident's impact
   */
  record NewUpdate(String status, String body, String impact, boolean notifies) {}

  List<Incident> page(UUID organizationId, String kind, String state, UUID before, int limit) {
    return complete(
        jdbc.sql(INCIDENTS_PAGE)
            .param("organization_id", organizationId)
            .param("kind", kind)
            .param("state", state)
            .param("before", before)
            .param("limit", limit)
            .query((rs, n) -> incident(rs))
            .list());
  }

  Optional<Incident> find(UUID organizationId, UUID id) {
    return jdbc.sql(INCIDENT_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> incident(rs))
        .optional()
        .map(i -> complete(List.of(i)).getFirst());
  }

  @Transactional
  Incident create(UUID organizationId, NewIncident in) {
    cache.invalidateAfterCommit();
    List<FieldError> errors = new ArrayList<>();
    String kind = in.kind() == null || in.kind().isBlank() ? "incident" : in.kind().strip();
    boolean maintenance = kind.equals("maintenance");
    if (!kind.equals("incident") && !maintenance) {
      errors.add(new FieldError("kind", "must be incident or maintenance"));
    }
    if (in.title() == null || in.title().isBlank()) {
      errors.add(new FieldError("title", "is required"));
    } else if (in.title().strip().length() > MAX_TITLE) {
      errors.add(new FieldError("title", "must be at most " + MAX_TITLE + " characters"));
    }
    String impact =
        in.impact() == null || in.impact().isBlank()
            ? (maintenance ? "none" : "minor")
            : in.impact().strip();
    if (!IMPACTS.contains(impact)) {
      errors.add(new FieldError("impact", "must be none, minor, major or critical"));
    }
    List<String> statuses = maintenance ? MAINTENANCE_STATUSES : INCIDENT_STATUSES;
    String status =
        in.status() == null || in.status().isBlank() ? statuses.getFirst() : in.status().strip();
    if (!statuses.contains(status)) {
      errors.add(
          new FieldError(
              "status",
              "must be one of "
                  + String.join(", ", statuses)
                  + " for "
                  + (maintenance ? "maintenance" : "an incident")));
    }
    if (in.body() != null && in.body().length() > MAX_BODY) {
      errors.add(new FieldError("message", "must be at most " + MAX_BODY + " characters"));
    }
    if (maintenance) {
      if (in.startsAt() == null) {
        errors.add(new FieldError("starts_at", "is required for maintenance"));
      }
      if (in.endsAt() == null) {
        errors.add(new FieldError("ends_at", "is required for maintenance"));
      }
      if (in.startsAt() != null && in.endsAt() != null && !in.endsAt().isAfter(in.startsAt())) {
        errors.add(new FieldError("ends_at", "must be after starts_at"));
      }
    } else if (in.startsAt() != null || in.endsAt() != null) {
      errors.add(
          new FieldError(
              in.startsAt() != null ? "starts_at" : "ends_at",
              "is for maintenance only (kind maintenance)"));
    }
    List<UUID> componentIds = in.componentIds() == null ? List.of() : in.componentIds();
    if (organizationId == null && !componentIds.isEmpty()) {
      errors.add(new FieldError("component_ids", "the instance's incidents name no components"));
    } else if (!componentIds.isEmpty()) {
      Set<UUID> known =
          new HashSet<>(
              jdbc.sql(COMPONENTS_OF_ORGANIZATION)
                  .param("organization_id", organizationId)
                  .param("ids", new SqlArrayValue("uuid", componentIds.toArray()))
                  .query(UUID.class)
                  .list());
      List<String> unknown =
          componentIds.stream().filter(id -> !known.contains(id)).map(UUID::toString).toList();
      if (!unknown.isEmpty()) {
        errors.add(
            new FieldError(
                "component_ids",
                "not components of this organization's status pages: "
                    + String.join(", ", unknown)));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    Instant now = clock.instant();
    UUID id =
        open(
            organizationId,
            kind,
            in.title().strip(),
            impact,
            status,
            null,
            null,
            in.startsAt(),
            in.endsAt(),
            componentIds,
            now);
    String body =
        in.body() == null || in.body().isBlank() ? defaultBody(kind, status) : in.body().strip();
    addUpdate(id, status, body, in.notifies(), now);
    return find(organizationId, id).orElseThrow();
  }

  /** Inserts an incident with its components (no update); returns its id. */
  UUID open(
      UUID organizationId,
      String kind,
      String title,
      String impact,
      String status,
      String subjectKind,
      UUID subjectId,
      Instant startsAt,
      Instant endsAt,
      List<UUID> componentIds,
      Instant now) {
    UUID id = Ids.v7(now);
    boolean closed = status.equals("resolved") || status.equals("completed");
    jdbc.sql(INCIDENT_INSERT)
        .param("id", id)
        .param("organization_id", organizationId)
        .param("kind", kind)
        .param("title", title)
        .param("impact", impact)
        .param("status", status)
        .param("automatic", subjectId != null)
        .param("subject_kind", subjectKind)
        .param("subject_id", subjectId)
        .param("starts_at", SqlTime.ts(startsAt))
        .param("ends_at", SqlTime.ts(endsAt))
        .param("now", SqlTime.ts(now))
        .param("resolved_at", closed ? SqlTime.ts(now) : null)
        .update();
    if (!componentIds.isEmpty()) {
      jdbc.sql(INCIDENT_COMPONENT_INSERT)
          .param("incident_id", id)
          .param("organization_id", organizationId)
          .param("ids", new SqlArrayValue("uuid", componentIds.toArray()))
          .update();
    }
    return id;
  }

  /** Posts an update: the incident takes its status (and impact, when given). */
  @Transactional
  Incident post(UUID organizationId, UUID id, NewUpdate in) {
    cache.invalidateAfterCommit();
    Incident current =
        jdbc.sql(INCIDENT_LOCK)
            .param("organization_id", organizationId)
            .param("id", id)
            .query((rs, n) -> incident(rs))
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("incident", id));
    List<FieldError> errors = new ArrayList<>();
    String status =
        in.status() == null || in.status().isBlank() ? current.status() : in.status().strip();
    if (!current.statuses().contains(status)) {
      errors.add(
          new FieldError(
              "status",
              "must be one of "
                  + String.join(", ", current.statuses())
                  + " for "
                  + (current.maintenance() ? "maintenance" : "an incident")));
    }
    String impact =
        in.impact() == null || in.impact().isBlank() ? current.impact() : in.impact().strip();
    if (!IMPACTS.contains(impact)) {
      errors.add(new FieldError("impact", "must be none, minor, major or critical"));
    }
    if (in.body() == null || in.body().isBlank()) {
      errors.add(new FieldError("message", "is required: what is known now"));
    } else if (in.body().length() > MAX_BODY) {
      errors.add(new FieldError("message", "must be at most " + MAX_BODY + " characters"));
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    Instant now = clock.instant();
    setStatus(id, status, impact, now);
    addUpdate(id, status, in.body().strip(), in.notifies(), now);
    return find(organizationId, id).orElseThrow();
  }

  void setStatus(UUID id, String status, String impact, Instant now) {
    cache.invalidateAfterCommit();
    jdbc.sql(INCIDENT_SET_STATUS)
        .param("id", id)
        .param("status", status)
        .param("impact", impact)
        .param("closed", status.equals("resolved") || status.equals("completed"))
        .param("now", SqlTime.ts(now))
        .update();
  }

  /** Appends an update and, with notify, queues its mails; returns how many mails. */
  int addUpdate(UUID incidentId, String status, String body, boolean notifies, Instant now) {
    cache.invalidateAfterCommit();
    UUID updateId = Ids.v7(now);
    jdbc.sql(UPDATE_INSERT)
        .param("id", updateId)
        .param("incident_id", incidentId)
        .param("status", status)
        .param("body", body)
        .param("notify", notifies)
        .param("now", SqlTime.ts(now))
        .update();
    if (!notifies) {
      return 0;
    }
    return jdbc.sql(OUTBOX_FILL)
        .param("update_id", updateId)
        .param("incident_id", incidentId)
        .param("now", SqlTime.ts(now))
        .update();
  }

  @Transactional
  void delete(UUID organizationId, UUID id) {
    cache.invalidateAfterCommit();
    if (jdbc.sql(INCIDENT_DELETE).param("organization_id", organizationId).param("id", id).update()
        == 0) {
      throw ApiProblem.notFound("incident", id);
    }
  }

  static String defaultBody(String kind, String status) {
    return switch (status) {
      case "scheduled" -> "Maintenance is scheduled.";
      case "in_progress" -> "Maintenance is in progress.";
      case "completed" -> "Maintenance is complete.";
      case "identified" -> "The cause has been identified and a fix is under way.";
      case "monitoring" -> "A fix is in place; we are watching the results.";
      case "resolved" -> "This incident has been resolved.";
      default -> "We are investigating this issue.";
    };
  }

  private List<Incident> complete(List<Incident> incidents) {
    if (incidents.isEmpty()) {
      return incidents;
    }
    Map<UUID, List<AffectedComponent>> components = new LinkedHashMap<>();
    Map<UUID, List<Update>> updates = new LinkedHashMap<>();
    incidents.forEach(
        i -> {
          components.put(i.id(), new ArrayList<>());
          updates.put(i.id(), new ArrayList<>());
        });
    SqlArrayValue ids = new SqlArrayValue("uuid", components.keySet().toArray());
    jdbc.sql(INCIDENT_COMPONENTS_OF)
        .param("ids", ids)
        .query(
            rs -> {
              components
                  .get(rs.getObject("incident_id", UUID.class))
                  .add(
                      new AffectedComponent(
                          rs.getObject("id", UUID.class),
                          rs.getString("name"),
                          rs.getObject("page_id", UUID.class),
                          rs.getString("page_title")));
            });
    jdbc.sql(UPDATES_OF)
        .param("ids", new SqlArrayValue("uuid", components.keySet().toArray()))
        .query(
            rs -> {
              updates
                  .get(rs.getObject("incident_id", UUID.class))
                  .add(
                      new Update(
                          rs.getObject("id", UUID.class),
                          rs.getString("status"),
                          rs.getString("body"),
                          rs.getBoolean("notify"),
                          SqlTime.instant(rs, "created_at"),
                          rs.getLong("mails_waiting")));
            });
    return incidents.stream()
        .map(
            i ->
                new Incident(
                    i.id(),
                    i.organizationId(),
                    i.kind(),
                    i.title(),
                    i.impact(),
                    i.status(),
                    i.automatic(),
                    i.subjectKind(),
                    i.subjectId(),
                    i.startsAt(),
                    i.endsAt(),
                    i.createdAt(),
                    i.updatedAt(),
                    i.resolvedAt(),
                    List.copyOf(components.get(i.id())),
                    List.copyOf(updates.get(i.id()))))
        .toList();
  }

  static Incident incident(ResultSet rs) throws SQLException {
    return new Incident(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("kind"),
        rs.getString("title"),
        rs.getString("impact"),
        rs.getString("status"),
        rs.getBoolean("automatic"),
        rs.getString("subject_kind"),
        rs.getObject("subject_id", UUID.class),
        SqlTime.instant(rs, "starts_at"),
        SqlTime.instant(rs, "ends_at"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"),
        SqlTime.instant(rs, "resolved_at"),
        List.of(),
        List.of());
  }
}
