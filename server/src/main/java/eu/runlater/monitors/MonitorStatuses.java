package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorTransitions.DOWN;
import static eu.runlater.monitors.MonitorTransitions.NEW;
import static eu.runlater.monitors.MonitorTransitions.PAUSED;

import eu.runlater.engine.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * {@link Monitors} for other modules (status pages): current states, and uptime by day computed
 * from the timeline ({@code monitor_events}): the share of each day's known time (not before the
 * monitor existed, not in the future, not new or paused) that it was not down.
 */
@Component
class MonitorStatuses implements Monitors {
  private final JdbcClient jdbc;
  private final InstantSource clock;

  MonitorStatuses(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public Map<UUID, Status> statuses(UUID organizationId, Collection<UUID> ids) {
    Map<UUID, Status> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    jdbc.sql(MonitorsQueries.MONITOR_STATUSES)
        .param("organization_id", organizationId)
        .param("ids", new SqlArrayValue("uuid", ids.toArray()))
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              out.put(
                  id,
                  new Status(
                      id,
                      rs.getString("name"),
                      rs.getString("kind"),
                      rs.getString("state"),
                      SqlTime.instant(rs, "state_since"),
                      rs.getString("state_reason")));
            });
    return out;
  }

  record Change(Instant at, String to) {}

  @Override
  public Map<UUID, List<Day>> daily(
      UUID organizationId, Collection<UUID> ids, LocalDate from, LocalDate to, ZoneId zone) {
    Map<UUID, List<Day>> out = new LinkedHashMap<>();
    if (ids.isEmpty() || to.isBefore(from)) {
      return out;
    }
    Instant windowEnd = to.plusDays(1).atStartOfDay(zone).toInstant();
    Map<UUID, Instant> created = new HashMap<>();
    jdbc.sql(MonitorsQueries.MONITOR_CREATED)
        .param("organization_id", organizationId)
        .param("ids", new SqlArrayValue("uuid", ids.toArray()))
        .query(
            rs -> {
              created.put(rs.getObject("id", UUID.class), SqlTime.instant(rs, "created_at"));
            });
    Map<UUID, List<Change>> changes = new HashMap<>();
    jdbc.sql(MonitorsQueries.EVENT_CHANGES_BEFORE)
        .param("ids", new SqlArrayValue("uuid", created.keySet().toArray()))
        .param("end", SqlTime.ts(windowEnd))
        .query(
            rs -> {
              changes
                  .computeIfAbsent(rs.getObject("monitor_id", UUID.class), k -> new ArrayList<>())
                  .add(new Change(SqlTime.instant(rs, "at"), rs.getString("to_state")));
            });
    Instant now = clock.instant();
    for (var e : created.entrySet()) {
      out.put(
          e.getKey(),
          days(e.getValue(), changes.getOrDefault(e.getKey(), List.of()), from, to, zone, now));
    }
    return out;
  }

  /** Per day: time known (up, late or down) and time down, walking the timeline once. */
  static List<Day> days(
      Instant created,
      List<Change> changes,
      LocalDate from,
      LocalDate to,
      ZoneId zone,
      Instant now) {
    List<Day> days = new ArrayList<>();
    int next = 0;
    String state = NEW;
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      Instant start = day.atStartOfDay(zone).toInstant();
      Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
      while (next < changes.size() && !changes.get(next).at().isAfter(start)) {
        state = changes.get(next++).to();
      }
      long known = 0;
      long down = 0;
      Instant cursor = start.isBefore(created) ? created : start;
      Instant stop = end.isAfter(now) ? now : end;
      int k = next;
      String s = state;
      while (cursor.isBefore(stop)) {
        Instant until = stop;
        if (k < changes.size() && changes.get(k).at().isBefore(stop)) {
          until = changes.get(k).at().isAfter(cursor) ? changes.get(k).at() : cursor;
        }
        long seconds = Duration.between(cursor, until).toSeconds();
        if (!NEW.equals(s) && !PAUSED.equals(s)) {
          known += seconds;
          if (DOWN.equals(s)) {
            down += seconds;
          }
        }
        cursor = until;
        if (k < changes.size() && !changes.get(k).at().isAfter(cursor)) {
          s = changes.get(k++).to();
        } else if (until.equals(stop)) {
          break;
        }
      }
      days.add(new Day(day, known == 0 ? null : 1.0 - (double) down / known, down));
    }
    return days;
  }
}
