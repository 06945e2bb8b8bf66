package eu.runlater.status;

import static eu.runlater.status.IncidentBookQueries.AUTOMATIC_OPEN;
import static eu.runlater.status.IncidentBookQueries.COMPONENTS_OF_SUBJECT;
import static eu.runlater.status.IncidentBookQueries.COMPONENT_SUBJECTS;
import static eu.runlater.status.IncidentBookQueries.MAINTENANCE_DUE;

import eu.runlater.alerts.AlertGauge;
import eu.runlater.alerts.Incidents;
import eu.runlater.monitors.Monitors;
import eu.runlater.platform.database.ConnectionSql;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Automatic incidents, on the leader every gauge interval (an {@link AlertGauge}, so in the alerts'
 * leader pass and its transaction): a subject that a status page component follows and that is down
 * (a monitor in state down; a job or queue with an open "failing" alert incident) gets one open
 * automatic incident on all its components, told to subscribers; when it is no longer down the
 * incident is resolved with an update, told too. Also moves scheduled maintenance to in progress at
 * its start and to completed at its end. A pass that fails is rolled back whole and tried again at
 * the next interval, so nothing is half opened.
 */
@Component
class IncidentAutomation implements AlertGauge {
  private final IncidentBook book;
  private final Incidents alertIncidents;
  private final ObjectProvider<Monitors> monitors;

  IncidentAutomation(
      IncidentBook book, Incidents alertIncidents, ObjectProvider<Monitors> monitors) {
    this.book = book;
    this.alertIncidents = alertIncidents;
    this.monitors = monitors;
  }

  /** What a pass did. */
  record Pass(int opened, int resolved, int maintenance) {}

  private record Subject(UUID organizationId, String kind, UUID id) {}

  /** Why a subject is down, and its name. */
  private record Down(String name, String detail) {}

  @Override
  public void measure(Connection connection, Instant now) {
    runOnce(ConnectionSql.on(connection), now);
  }

  Pass runOnce(JdbcClient jdbc, Instant now) {
    List<Subject> followed =
        jdbc.sql(COMPONENT_SUBJECTS)
            .query(
                (rs, n) ->
                    new Subject(
                        rs.getObject("organization_id", UUID.class),
                        rs.getString("kind"),
                        rs.getObject("subject_id", UUID.class)))
            .list();
    Map<Subject, Down> down = down(followed);
    List<IncidentBook.Incident> open =
        jdbc.sql(AUTOMATIC_OPEN).query((rs, n) -> IncidentBook.incident(rs)).list();
    Set<UUID> openSubjects = new HashSet<>();
    int resolved = 0;
    for (IncidentBook.Incident incident : open) {
      Subject s =
          new Subject(incident.organizationId(), incident.subjectKind(), incident.subjectId());
      if (down.containsKey(s)) {
        openSubjects.add(s.id());
        continue;
      }
      book.setStatus(incident.id(), "resolved", incident.impact(), now);
      book.addUpdate(
          incident.id(),
          "resolved",
          incident.title().replaceFirst(" is down$", "")
              + " has recovered; this incident is resolved.",
          true,
          now);
      resolved++;
    }
    int opened = 0;
    for (Map.Entry<Subject, Down> e : down.entrySet()) {
      Subject s = e.getKey();
      if (openSubjects.contains(s.id())) {
        continue;
      }
      Map<UUID, String> named = new LinkedHashMap<>();
      jdbc.sql(COMPONENTS_OF_SUBJECT)
          .param("organization_id", s.organizationId())
          .param("subject_id", s.id())
          .query(
              (org.springframework.jdbc.core.RowCallbackHandler)
                  rs -> named.put(rs.getObject("id", UUID.class), rs.getString("name")));
      List<UUID> components = List.copyOf(named.keySet());
      String name = e.getValue().name();
      if (name == null || name.isBlank()) {
        name = named.isEmpty() ? "A " + s.kind() : named.values().iterator().next();
      }
      UUID id =
          book.open(
              s.organizationId(),
              "incident",
              name + " is down",
              "major",
              "investigating",
              s.kind(),
              s.id(),
              null,
              null,
              components,
              now);
      String detail = e.getValue().detail();
      book.addUpdate(
          id,
          "investigating",
          name
              + " is down"
              + (detail == null || detail.isBlank() ? "" : " (" + detail + ")")
              + ". We are investigating.",
          true,
          now);
      opened++;
    }
    int maintenance = 0;
    for (IncidentBook.Incident m :
        jdbc.sql(MAINTENANCE_DUE)
            .param("now", eu.runlater.engine.SqlTime.ts(now))
            .query((rs, n) -> IncidentBook.incident(rs))
            .list()) {
      String next = m.endsAt().isAfter(now) ? "in_progress" : "completed";
      book.setStatus(m.id(), next, m.impact(), now);
      book.addUpdate(m.id(), next, IncidentBook.defaultBody("maintenance", next), false, now);
      maintenance++;
    }
    return new Pass(opened, resolved, maintenance);
  }

  /** The followed subjects that are down now, with their names. */
  private Map<Subject, Down> down(List<Subject> followed) {
    Map<UUID, List<Subject>> byOrganization = new LinkedHashMap<>();
    followed.forEach(
        s -> byOrganization.computeIfAbsent(s.organizationId(), k -> new ArrayList<>()).add(s));
    Map<Subject, Down> down = new HashMap<>();
    Monitors states = monitors.getIfAvailable();
    for (Map.Entry<UUID, List<Subject>> e : byOrganization.entrySet()) {
      UUID org = e.getKey();
      Set<Subject> wanted = new HashSet<>(e.getValue());
      List<UUID> monitorIds =
          e.getValue().stream().filter(s -> s.kind().equals("monitor")).map(Subject::id).toList();
      if (states != null && !monitorIds.isEmpty()) {
        states
            .statuses(org, monitorIds)
            .values()
            .forEach(
                m -> {
                  if (m.down()) {
                    down.put(new Subject(org, "monitor", m.id()), new Down(m.name(), m.reason()));
                  }
                });
      }
      for (Incidents.Incident i : alertIncidents.open(org)) {
        Subject s = new Subject(org, i.subjectKind(), i.subjectId());
        boolean failing =
            switch (i.subjectKind()) {
              case "job", "queue" -> "failing".equals(i.condition());
              // Without the monitors' own read model, the alert condition says the same.
              case "monitor" -> states == null && "down".equals(i.condition());
              default -> false;
            };
        if (failing && wanted.contains(s)) {
          down.putIfAbsent(s, new Down(i.subjectName(), i.detail()));
        }
      }
    }
    return down;
  }
}
