package eu.runlater.status;

import static eu.runlater.status.StatusSnapshotsQueries.COMPONENTS_OF_PAGE;
import static eu.runlater.status.StatusSnapshotsQueries.INCIDENTS_OF_INSTANCE;
import static eu.runlater.status.StatusSnapshotsQueries.INCIDENTS_OF_PAGE;
import static eu.runlater.status.StatusSnapshotsQueries.INCIDENT_COMPONENTS;
import static eu.runlater.status.StatusSnapshotsQueries.INCIDENT_UPDATES;
import static eu.runlater.status.StatusSnapshotsQueries.INSTANCE_CHECKS;
import static eu.runlater.status.StatusSnapshotsQueries.PAGE_BY_HOST;
import static eu.runlater.status.StatusSnapshotsQueries.PAGE_BY_ID;
import static eu.runlater.status.StatusSnapshotsQueries.PAGE_BY_SLUG;

import eu.runlater.alerts.AlertSubjects;
import eu.runlater.alerts.Incidents;
import eu.runlater.engine.SqlTime;
import eu.runlater.monitors.Monitors;
import eu.runlater.status.StatusSnapshot.Component;
import eu.runlater.status.StatusSnapshot.Day;
import eu.runlater.status.StatusSnapshot.Group;
import eu.runlater.status.StatusSnapshot.Incident;
import eu.runlater.status.StatusSnapshot.Page;
import eu.runlater.status.StatusSnapshot.Update;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Service;

/**
 * Builds {@link StatusSnapshot}s: a saved page (by slug, host or id), a draft the editor has not
 * saved ({@link #preview}), or the instance's own page. Each build reads the database (a handful of
 * queries); the public endpoints never call it per request but through {@link PublicCache}.
 *
 * <p>A component's state: a monitor's from {@link Monitors} (down: major outage, late: degraded); a
 * job's or queue's from its open {@code failing} alert incident (major outage); a manual one's as
 * set. An open incident on it makes it at least as bad as its impact says; a maintenance in
 * progress shows it under maintenance. Days are counted in UTC.
 */
@Service
public class StatusSnapshots {
  /** The uptime bars' length, today included. */
  static final int DAYS = 90;

  /** A page the editor has not saved: what {@link #preview} renders. */
  public record Draft(
      UUID pageId,
      UUID organizationId,
      String slug,
      String title,
      String description,
      List<DraftComponent> components) {}

  /**
   * One component of a draft. {@code id} may be null (not saved yet); {@code subjectId} is null for
   * {@code manual}.
   */
  public record DraftComponent(
      UUID id,
      String groupName,
      String name,
      String description,
      String kind,
      UUID subjectId,
      String manualState) {}

  record PageRow(
      UUID id,
      UUID organizationId,
      String slug,
      String title,
      String description,
      String customHost,
      Instant createdAt,
      Instant updatedAt) {}

  private final JdbcClient jdbc;
  private final ObjectProvider<Monitors> monitors;
  private final Incidents alertIncidents;
  private final List<AlertSubjects> subjects;
  private final InstantSource clock;

  StatusSnapshots(
      JdbcClient jdbc,
      ObjectProvider<Monitors> monitors,
      Incidents alertIncidents,
      List<AlertSubjects> subjects,
      InstantSource clock) {
    this.jdbc = jdbc;
    this.monitors = monitors;
    this.alertIncidents = alertIncidents;
    this.subjects = subjects;
    this.clock = clock;
  }

  Optional<PageRow> pageBySlug(String slug) {
    return jdbc.sql(PAGE_BY_SLUG).param("slug", slug).query((rs, n) -> page(rs)).optional();
  }

  Optional<PageRow> pageByHost(String host) {
    return jdbc.sql(PAGE_BY_HOST).param("host", host).query((rs, n) -> page(rs)).optional();
  }

  Optional<PageRow> pageById(UUID id) {
    return jdbc.sql(PAGE_BY_ID).param("id", id).query((rs, n) -> page(rs)).optional();
  }

  /** Every page's custom host, to its slug. */
  Map<String, String> customHosts() {
    Map<String, String> hosts = new HashMap<>();
    jdbc.sql(StatusSnapshotsQueries.PAGES_CUSTOM_HOSTS)
        .query(
            rs -> {
              hosts.put(
                  rs.getString("custom_host").toLowerCase(java.util.Locale.ROOT),
                  rs.getString("slug"));
            });
    return hosts;
  }

  /** The saved page with this slug, as the public sees it now. */
  public Optional<StatusSnapshot> bySlug(String slug) {
    return pageBySlug(slug).map(this::of);
  }

  /** The saved page with this id. */
  public Optional<StatusSnapshot> byId(UUID id) {
    return pageById(id).map(this::of);
  }

  Optional<StatusSnapshot> byHost(String host) {
    return pageByHost(host).map(this::of);
  }

  StatusSnapshot of(PageRow page) {
    List<DraftComponent> components =
        jdbc.sql(COMPONENTS_OF_PAGE)
            .param("page_id", page.id())
            .query(
                (rs, n) ->
                    new DraftComponent(
                        rs.getObject("id", UUID.class),
                        rs.getString("group_name"),
                        rs.getString("name"),
                        rs.getString("description"),
                        rs.getString("kind"),
                        rs.getObject("subject_id", UUID.class),
                        rs.getString("manual_state")))
            .list();
    return build(page, components, false);
  }

  /**
   * The page as it would look with this draft saved: the editor's live preview. Nothing is written.
   * Its subjects are looked up in the draft's organization only; the incidents shown are those of
   * the saved page's components that the draft keeps (none for a page never saved).
   */
  public StatusSnapshot preview(Draft draft) {
    Instant now = clock.instant();
    Optional<PageRow> saved = draft.pageId() == null ? Optional.empty() : pageById(draft.pageId());
    PageRow page =
        new PageRow(
            draft.pageId(),
            draft.organizationId(),
            draft.slug(),
            Objects.requireNonNullElse(draft.title(), ""),
            Objects.requireNonNullElse(draft.description(), ""),
            saved.map(PageRow::customHost).orElse(null),
            saved.map(PageRow::createdAt).orElse(now),
            now);
    List<DraftComponent> components =
        draft.components().stream()
            .map(
                c ->
                    c.id() != null
                        ? c
                        : new DraftComponent(
                            UUID.randomUUID(),
                            c.groupName(),
                            c.name(),
                            c.description(),
                            c.kind(),
                            c.subjectId(),
                            c.manualState()))
            .toList();
    return build(page, components, true);
  }

  private StatusSnapshot build(PageRow page, List<DraftComponent> rows, boolean preview) {
    Instant now = clock.instant();
    LocalDate last = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate first = last.minusDays(DAYS - 1);
    Instant since = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    UUID org = page.organizationId();

    List<Incident> incidents =
        page.id() == null ? List.of() : incidents(INCIDENTS_OF_PAGE, page.id(), since);
    Sorted sorted = Sorted.sort(incidents, now);

    // Subjects' states and down time, by kind.
    Map<UUID, Monitors.Status> monitorStates = new HashMap<>();
    Map<UUID, List<Day>> monitorDays = new HashMap<>();
    List<UUID> monitorIds = ids(rows, "monitor");
    Monitors m = monitors.getIfAvailable();
    if (m != null && !monitorIds.isEmpty()) {
      monitorStates.putAll(m.statuses(org, monitorIds));
      m.daily(org, monitorIds, first, last, ZoneOffset.UTC)
          .forEach(
              (id, days) ->
                  monitorDays.put(
                      id,
                      days.stream()
                          .map(d -> new Day(d.day(), d.uptime(), d.downSeconds()))
                          .toList()));
    }
    Map<String, Map<UUID, Incidents.Incident>> failing = new HashMap<>();
    Map<UUID, List<Window>> windows = new HashMap<>();
    Map<String, Map<UUID, AlertSubjects.Subject>> names = new HashMap<>();
    for (String kind : List.of("job", "queue")) {
      List<UUID> ids = ids(rows, kind);
      if (ids.isEmpty()) {
        continue;
      }
      failing.put(kind, alertIncidents.open(org, kind, ids));
      for (Incidents.Window w : alertIncidents.windows(org, kind, ids, "failing", since)) {
        windows
            .computeIfAbsent(w.subjectId(), k -> new ArrayList<>())
            .add(new Window(w.from(), w.to()));
      }
      subjects.stream()
          .filter(s -> s.kind().equals(kind))
          .findFirst()
          .ifPresent(s -> names.put(kind, s.describe(org, ids)));
    }
    // Manual components: their time under open incidents of major or critical impact.
    for (Incident i : incidents) {
      if (i.kind().equals("incident")
          && (i.impact().equals("major") || i.impact().equals("critical"))) {
        for (UUID c : i.componentIds()) {
          windows
              .computeIfAbsent(c, k -> new ArrayList<>())
              .add(new Window(i.createdAt(), i.resolvedAt()));
        }
      }
    }

    Map<String, List<Component>> groups = new LinkedHashMap<>();
    for (DraftComponent c : rows) {
      String state;
      String detail = null;
      List<Day> days;
      String name = c.name();
      switch (c.kind()) {
        case "monitor" -> {
          Monitors.Status s = monitorStates.get(c.subjectId());
          state =
              s == null
                  ? StatusSnapshotStates.OPERATIONAL
                  : StatusSnapshotStates.ofMonitor(s.state());
          detail = s == null ? null : s.reason();
          if (blank(name) && s != null) {
            name = s.name();
          }
          days = monitorDays.getOrDefault(c.subjectId(), emptyDays(first, last));
        }
        case "job", "queue" -> {
          var open = failing.getOrDefault(c.kind(), Map.of()).get(c.subjectId());
          state = open == null ? StatusSnapshotStates.OPERATIONAL : StatusSnapshotStates.MAJOR;
          detail = open == null ? null : open.detail();
          AlertSubjects.Subject subject = names.getOrDefault(c.kind(), Map.of()).get(c.subjectId());
          if (blank(name) && subject != null) {
            name = subject.name();
          }
          days =
              days(
                  windows.getOrDefault(c.subjectId(), List.of()),
                  page.createdAt(),
                  first,
                  last,
                  now);
        }
        default -> {
          state = Objects.requireNonNullElse(c.manualState(), StatusSnapshotStates.OPERATIONAL);
          days = days(windows.getOrDefault(c.id(), List.of()), page.createdAt(), first, last, now);
        }
      }
      state = applyIncidents(c.id(), state, sorted);
      groups
          .computeIfAbsent(Objects.requireNonNullElse(c.groupName(), ""), k -> new ArrayList<>())
          .add(
              new Component(
                  c.id(),
                  Objects.requireNonNullElse(name, ""),
                  Objects.requireNonNullElse(c.description(), ""),
                  c.kind(),
                  state,
                  detail,
                  days,
                  uptime(days)));
    }
    List<Group> grouped = new ArrayList<>();
    groups.forEach((name, components) -> grouped.add(new Group(name, List.copyOf(components))));
    String overall = StatusSnapshotStates.OPERATIONAL;
    for (Group g : grouped) {
      for (Component c : g.components()) {
        overall = StatusSnapshotStates.worst(overall, c.state());
      }
    }
    Instant lastChange = page.updatedAt();
    for (Incident i : incidents) {
      lastChange = later(lastChange, i.updatedAt());
    }
    for (Monitors.Status s : monitorStates.values()) {
      lastChange = later(lastChange, s.since());
    }
    return new StatusSnapshot(
        new Page(
            page.id(),
            page.organizationId(),
            page.slug(),
            page.customHost(),
            page.createdAt(),
            page.updatedAt()),
        page.title(),
        page.description(),
        overall,
        List.copyOf(grouped),
        sorted.active(),
        sorted.maintenance(),
        sorted.past(),
        first,
        last,
        asOf(now),
        lastChange,
        preview);
  }

  /**
   * The instance's own page: its components as the leader's checks last measured them, its
   * incidents (of no organization) and their updates.
   */
  StatusSnapshot instance(String title) {
    Instant now = clock.instant();
    LocalDate last = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate first = last.minusDays(DAYS - 1);
    Instant since = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<String, String[]> checks = new HashMap<>();
    Instant[] oldest = {null};
    jdbc.sql(INSTANCE_CHECKS)
        .query(
            rs -> {
              Instant at = SqlTime.instant(rs, "checked_at");
              checks.put(
                  rs.getString("component"),
                  new String[] {rs.getString("state"), rs.getString("detail")});
              oldest[0] = oldest[0] == null || at.isBefore(oldest[0]) ? at : oldest[0];
            });
    Map<UUID, UUID> subjectOf = new HashMap<>();
    List<Incident> incidents = incidents(INCIDENTS_OF_INSTANCE, null, since, subjectOf);
    Sorted sorted = Sorted.sort(incidents, now);
    Map<UUID, List<Window>> windows = new HashMap<>();
    for (Incident i : incidents) {
      if (i.kind().equals("incident") && !i.impact().equals("none")) {
        for (UUID c : i.componentIds()) {
          windows
              .computeIfAbsent(c, k -> new ArrayList<>())
              .add(new Window(i.createdAt(), i.resolvedAt()));
        }
      }
    }
    List<Component> components = new ArrayList<>();
    String overall = StatusSnapshotStates.OPERATIONAL;
    Instant lastChange = oldest[0] == null ? now : oldest[0];
    for (InstanceStatusComponents.Definition d : InstanceStatusComponents.ALL) {
      String[] check = checks.get(d.key());
      String state = check == null ? StatusSnapshotStates.OPERATIONAL : check[0];
      state = applyIncidents(d.id(), state, sorted);
      List<Day> days = days(windows.getOrDefault(d.id(), List.of()), null, first, last, now);
      components.add(
          new Component(
              d.id(),
              d.name(),
              d.description(),
              InstanceStatusComponents.SUBJECT_KIND,
              state,
              check == null ? null : check[1],
              days,
              uptime(days)));
      overall = StatusSnapshotStates.worst(overall, state);
    }
    for (Incident i : incidents) {
      lastChange = later(lastChange, i.updatedAt());
    }
    return new StatusSnapshot(
        null,
        title,
        "The state of this Runlater instance, measured by its own checks.",
        overall,
        List.of(new Group("", List.copyOf(components))),
        sorted.active(),
        sorted.maintenance(),
        sorted.past(),
        first,
        last,
        asOf(now),
        lastChange,
        false);
  }

  /** A component's state once the incidents on it are counted. */
  private static String applyIncidents(UUID component, String state, Sorted sorted) {
    for (Incident i : sorted.maintenanceNow()) {
      if (i.componentIds().contains(component)) {
        return StatusSnapshotStates.MAINTENANCE;
      }
    }
    String worst = state;
    for (Incident i : sorted.active()) {
      if (i.componentIds().contains(component)) {
        worst = StatusSnapshotStates.worst(worst, StatusSnapshotStates.ofImpact(i.impact()));
      }
    }
    return worst;
  }

  private List<Incident> incidents(String sql, UUID pageId, Instant since) {
    return incidents(sql, pageId, since, new HashMap<>());
  }

  /**
   * The incidents with their components and updates. For the instance's incidents (pageId null) the
   * component is the subject of an automatic one; one with no subject affects every component.
   */
  private List<Incident> incidents(
      String sql, UUID pageId, Instant since, Map<UUID, UUID> subjectOf) {
    record Row(
        UUID id,
        String kind,
        String title,
        String impact,
        String status,
        boolean automatic,
        Instant startsAt,
        Instant endsAt,
        Instant createdAt,
        Instant updatedAt,
        Instant resolvedAt,
        UUID subject) {}
    var query = jdbc.sql(sql).param("since", SqlTime.ts(since));
    if (pageId != null) {
      query = query.param("page_id", pageId);
    }
    List<Row> rows =
        query
            .query(
                (rs, n) ->
                    new Row(
                        rs.getObject("id", UUID.class),
                        rs.getString("kind"),
                        rs.getString("title"),
                        rs.getString("impact"),
                        rs.getString("status"),
                        rs.getBoolean("automatic"),
                        SqlTime.instant(rs, "starts_at"),
                        SqlTime.instant(rs, "ends_at"),
                        SqlTime.instant(rs, "created_at"),
                        SqlTime.instant(rs, "updated_at"),
                        SqlTime.instant(rs, "resolved_at"),
                        pageId == null ? rs.getObject("subject_id", UUID.class) : null))
            .list();
    if (rows.isEmpty()) {
      return List.of();
    }
    Object[] ids = rows.stream().map(Row::id).toArray();
    Map<UUID, List<UUID>> components = new HashMap<>();
    jdbc.sql(INCIDENT_COMPONENTS)
        .param("ids", new SqlArrayValue("uuid", ids))
        .query(
            rs -> {
              components
                  .computeIfAbsent(rs.getObject("incident_id", UUID.class), k -> new ArrayList<>())
                  .add(rs.getObject("component_id", UUID.class));
            });
    Map<UUID, List<Update>> updates = new HashMap<>();
    jdbc.sql(INCIDENT_UPDATES)
        .param("ids", new SqlArrayValue("uuid", ids))
        .query(
            rs -> {
              updates
                  .computeIfAbsent(rs.getObject("incident_id", UUID.class), k -> new ArrayList<>())
                  .add(
                      new Update(
                          rs.getObject("id", UUID.class),
                          rs.getString("status"),
                          rs.getString("body"),
                          SqlTime.instant(rs, "created_at")));
            });
    Map<UUID, String> componentNames = new HashMap<>();
    if (pageId != null) {
      jdbc.sql(COMPONENTS_OF_PAGE)
          .param("page_id", pageId)
          .query(
              rs -> {
                componentNames.put(rs.getObject("id", UUID.class), rs.getString("name"));
              });
    } else {
      InstanceStatusComponents.ALL.forEach(d -> componentNames.put(d.id(), d.name()));
    }
    List<Incident> out = new ArrayList<>();
    for (Row r : rows) {
      List<UUID> affected;
      if (pageId != null) {
        affected = components.getOrDefault(r.id(), List.of());
      } else if (r.subject() != null && componentNames.containsKey(r.subject())) {
        affected = List.of(r.subject());
        subjectOf.put(r.id(), r.subject());
      } else if (components.containsKey(r.id())) {
        affected = components.get(r.id());
      } else {
        affected = InstanceStatusComponents.ALL.stream().map(d -> d.id()).toList();
      }
      out.add(
          new Incident(
              r.id(),
              r.kind(),
              r.title(),
              r.impact(),
              r.status(),
              r.automatic(),
              r.startsAt(),
              r.endsAt(),
              r.createdAt(),
              r.updatedAt(),
              r.resolvedAt(),
              List.copyOf(affected),
              affected.stream().map(c -> componentNames.getOrDefault(c, "")).toList(),
              List.copyOf(updates.getOrDefault(r.id(), List.of()))));
    }
    return out;
  }

  /** A span something was down; {@code to} null while it still is. */
  record Window(Instant from, Instant to) {}

  /** The incidents of a page sorted by what the page does with them. */
  record Sorted(
      List<Incident> active,
      List<Incident> maintenance,
      List<Incident> maintenanceNow,
      List<Incident> past) {

    static Sorted sort(List<Incident> all, Instant now) {
      List<Incident> active = new ArrayList<>();
      List<Incident> maintenance = new ArrayList<>();
      List<Incident> maintenanceNow = new ArrayList<>();
      List<Incident> past = new ArrayList<>();
      for (Incident i : all) {
        if (i.kind().equals("maintenance")) {
          boolean done =
              i.status().equals("completed") || i.resolvedAt() != null || !i.endsAt().isAfter(now);
          if (done) {
            past.add(i);
          } else {
            maintenance.add(i);
            if (i.status().equals("in_progress") || !i.startsAt().isAfter(now)) {
              maintenanceNow.add(i);
            }
          }
        } else if (i.resolvedAt() == null && !i.status().equals("resolved")) {
          active.add(i);
        } else {
          past.add(i);
        }
      }
      // Scheduled maintenance soonest first; the rest newest first (as queried).
      maintenance.sort((a, b) -> a.startsAt().compareTo(b.startsAt()));
      return new Sorted(
          List.copyOf(active),
          List.copyOf(maintenance),
          List.copyOf(maintenanceNow),
          List.copyOf(past));
    }
  }

  /**
   * Uptime per day from the spans down: the share of each day's known time (from {@code
   * existsFrom}, up to now) that no span covers. Overlapping spans count once.
   */
  static List<Day> days(
      List<Window> windows, Instant existsFrom, LocalDate first, LocalDate last, Instant now) {
    List<Day> days = new ArrayList<>(DAYS);
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      Instant start = d.atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant end = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (existsFrom != null && existsFrom.isAfter(start)) {
        start = existsFrom;
      }
      if (now.isBefore(end)) {
        end = now;
      }
      if (!end.isAfter(start)) {
        days.add(new Day(d, null, 0));
        continue;
      }
      long down = downSeconds(windows, start, end, now);
      long known = Duration.between(start, end).toSeconds();
      double uptime = known == 0 ? 1.0 : Math.max(0, 1.0 - (double) down / known);
      days.add(new Day(d, uptime, down));
    }
    return days;
  }

  private static long downSeconds(List<Window> windows, Instant start, Instant end, Instant now) {
    List<Instant[]> clipped = new ArrayList<>();
    for (Window w : windows) {
      Instant from = w.from().isBefore(start) ? start : w.from();
      Instant to = w.to() == null ? now : w.to();
      if (to.isAfter(end)) {
        to = end;
      }
      if (to.isAfter(from)) {
        clipped.add(new Instant[] {from, to});
      }
    }
    clipped.sort((a, b) -> a[0].compareTo(b[0]));
    long total = 0;
    Instant coveredTo = start;
    for (Instant[] c : clipped) {
      Instant from = c[0].isBefore(coveredTo) ? coveredTo : c[0];
      if (c[1].isAfter(from)) {
        total += Duration.between(from, c[1]).toSeconds();
        coveredTo = c[1];
      }
    }
    return total;
  }

  private static List<Day> emptyDays(LocalDate first, LocalDate last) {
    List<Day> days = new ArrayList<>(DAYS);
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      days.add(new Day(d, null, 0));
    }
    return days;
  }

  /** Uptime over the days with a figure, weighted equally per day. */
  private static Double uptime(List<Day> days) {
    double sum = 0;
    int n = 0;
    for (Day d : days) {
      if (d.uptime() != null) {
        sum += d.uptime();
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  private static List<UUID> ids(Collection<DraftComponent> rows, String kind) {
    return rows.stream()
        .filter(c -> c.kind().equals(kind) && c.subjectId() != null)
        .map(DraftComponent::subjectId)
        .distinct()
        .toList();
  }

  /**
   * The time a snapshot says it is as of: to the minute, so that a page that did not change renders
   * the same bytes (and ETag) for a minute, across rebuilds.
   */
  private static Instant asOf(Instant now) {
    return now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static Instant later(Instant a, Instant b) {
    return b != null && (a == null || b.isAfter(a)) ? b : a;
  }

  private static PageRow page(ResultSet rs) throws SQLException {
    return new PageRow(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("slug"),
        rs.getString("title"),
        rs.getString("description"),
        rs.getString("custom_host"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"));
  }
}
