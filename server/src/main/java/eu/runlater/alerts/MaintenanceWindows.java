package eu.runlater.alerts;

import static eu.runlater.alerts.MaintenanceWindowsQueries.WINDOW_DELETE;
import static eu.runlater.alerts.MaintenanceWindowsQueries.WINDOW_GET;
import static eu.runlater.alerts.MaintenanceWindowsQueries.WINDOW_INSERT;
import static eu.runlater.alerts.MaintenanceWindowsQueries.WINDOW_LIST;
import static eu.runlater.alerts.MaintenanceWindowsQueries.WINDOW_UPDATE;

import eu.runlater.cron.CronParseException;
import eu.runlater.cron.CronSchedule;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Quiet times: nothing alerts while one is on. One-off (from, until) or recurring (a cron
 * expression in a time zone, each occurrence lasting a duration; DST as the cron module rules: a
 * start skipped by spring-forward happens at the first instant after the gap, a start repeated by
 * fall-back happens once).
 */
@Service
class MaintenanceWindows {
  static final Duration MIN_DURATION = Duration.ofMinutes(1);
  static final Duration MAX_DURATION = Duration.ofDays(7);
  static final int MAX_NAME = 100;

  private final JdbcClient jdbc;
  private final InstantSource clock;

  MaintenanceWindows(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * A window as stored and shown.
   *
   * @param startsAt one-off: its start; null when recurring
   * @param cron recurring: when each window starts (five fields); null when one-off
   * @param nextStart when it next begins (or began, if on now), for the page
   */
  record Window(
      UUID id,
      String name,
      Instant startsAt,
      Instant endsAt,
      String cron,
      String timeZone,
      Duration duration,
      Instant nextStart,
      boolean activeNow,
      Instant createdAt) {}

  /** A window to create or replace; checked, 422 naming the field. */
  record WindowInput(
      String name,
      Instant startsAt,
      Instant endsAt,
      String cron,
      String timeZone,
      Duration duration) {}

  List<Window> list(UUID organizationId) {
    Instant now = clock.instant();
    return jdbc.sql(WINDOW_LIST)
        .param("organization_id", organizationId)
        .query((rs, n) -> window(rs, now))
        .list();
  }

  Optional<Window> find(UUID organizationId, UUID id) {
    Instant now = clock.instant();
    return jdbc.sql(WINDOW_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> window(rs, now))
        .optional();
  }

  @Transactional
  Window create(UUID organizationId, WindowInput input) {
    check(input);
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    write(WINDOW_INSERT, organizationId, id, input, now);
    return find(organizationId, id).orElseThrow();
  }

  @Transactional
  Window replace(UUID organizationId, UUID id, WindowInput input) {
    if (find(organizationId, id).isEmpty()) {
      throw ApiProblem.notFound("maintenance window", id);
    }
    check(input);
    write(WINDOW_UPDATE, organizationId, id, input, clock.instant());
    return find(organizationId, id).orElseThrow();
  }

  @Transactional
  void delete(UUID organizationId, UUID id) {
    int n =
        jdbc.sql(WINDOW_DELETE).param("organization_id", organizationId).param("id", id).update();
    if (n == 0) {
      throw ApiProblem.notFound("maintenance window", id);
    }
  }

  /** The window on at {@code now}, if any (the one ending last). */
  Optional<Window> activeAt(UUID organizationId, Instant now) {
    return jdbc
        .sql(WINDOW_LIST)
        .param("organization_id", organizationId)
        .query((rs, n) -> window(rs, now))
        .list()
        .stream()
        .filter(w -> startOfActive(w, now) != null)
        .max(Comparator.comparing(w -> startOfActive(w, now).plus(length(w))));
  }

  private void write(String sql, UUID organizationId, UUID id, WindowInput in, Instant now) {
    boolean recurring = in.cron() != null;
    jdbc.sql(sql)
        .param("id", id)
        .param("organization_id", organizationId)
        .param("name", in.name().strip())
        .param("starts_at", recurring ? null : SqlTime.ts(in.startsAt()))
        .param("ends_at", recurring ? null : SqlTime.ts(in.endsAt()))
        .param("cron", recurring ? in.cron().strip() : null)
        .param("time_zone", recurring ? in.timeZone() : null)
        .param("duration_s", recurring ? (int) in.duration().toSeconds() : null)
        .param("now", SqlTime.ts(now))
        .update();
  }

  /** Every problem at once, named by the API's fields. */
  static void check(WindowInput in) {
    List<FieldError> errors = new ArrayList<>();
    if (in.name() == null || in.name().isBlank()) {
      errors.add(new FieldError("name", "is required"));
    } else if (in.name().strip().length() > MAX_NAME) {
      errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters"));
    }
    boolean oneOff = in.startsAt() != null || in.endsAt() != null;
    if (in.cron() != null) {
      if (oneOff) {
        errors.add(
            new FieldError(
                "cron", "a window is one-off (starts_at, ends_at) or recurring (cron), not both"));
      }
      try {
        CronSchedule.parse(in.cron());
      } catch (CronParseException e) {
        errors.add(new FieldError("cron", e.getMessage()));
      }
      if (in.timeZone() == null || in.timeZone().isBlank()) {
        errors.add(new FieldError("time_zone", "is required for a recurring window"));
      } else {
        try {
          ZoneId.of(in.timeZone());
        } catch (DateTimeException e) {
          errors.add(new FieldError("time_zone", "is not an IANA time zone (e.g. Europe/Oslo)"));
        }
      }
      if (in.duration() == null) {
        errors.add(new FieldError("duration_seconds", "is required for a recurring window"));
      } else if (in.duration().compareTo(MIN_DURATION) < 0
          || in.duration().compareTo(MAX_DURATION) > 0) {
        errors.add(new FieldError("duration_seconds", "must be between 60 and 604800"));
      }
    } else {
      if (in.startsAt() == null) {
        errors.add(new FieldError("starts_at", "is required (or give cron for a recurring one)"));
      }
      if (in.endsAt() == null) {
        errors.add(new FieldError("ends_at", "is required (or give cron for a recurring one)"));
      }
      if (in.startsAt() != null && in.endsAt() != null && !in.endsAt().isAfter(in.startsAt())) {
        errors.add(new FieldError("ends_at", "must be after starts_at"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
  }

  /** The start of the occurrence of {@code w} that is on at {@code now}, or null. */
  static Instant startOfActive(Window w, Instant now) {
    if (w.cron() == null) {
      return !now.isBefore(w.startsAt()) && now.isBefore(w.endsAt()) ? w.startsAt() : null;
    }
    // On iff some start falls in (now - duration, now]: the first start after now - duration.
    Instant start =
        CronSchedule.parseCached(w.cron()).next(now.minus(w.duration()), ZoneId.of(w.timeZone()));
    return start != null && !start.isAfter(now) ? start : null;
  }

  private static Duration length(Window w) {
    return w.cron() == null ? Duration.between(w.startsAt(), w.endsAt()) : w.duration();
  }

  static Window window(ResultSet rs, Instant now) throws SQLException {
    return at(raw(rs), now);
  }

  /** A stored window, without its next start (which takes a cron search). */
  static Window raw(ResultSet rs) throws SQLException {
    Object seconds = rs.getObject("duration_s");
    Window w =
        new Window(
            rs.getObject("id", UUID.class),
            rs.getString("name"),
            SqlTime.instant(rs, "starts_at"),
            SqlTime.instant(rs, "ends_at"),
            rs.getString("cron"),
            rs.getString("time_zone"),
            seconds == null ? null : Duration.ofSeconds(((Number) seconds).longValue()),
            null,
            false,
            SqlTime.instant(rs, "created_at"));
    return w;
  }

  /** {@code w} with its next start and whether it is on, as of {@code now}. */
  static Window at(Window w, Instant now) {
    Instant active = startOfActive(w, now);
    Instant next =
        active != null
            ? active
            : w.cron() == null
                ? (now.isBefore(w.startsAt()) ? w.startsAt() : null)
                : CronSchedule.parseCached(w.cron()).next(now, ZoneId.of(w.timeZone()));
    return new Window(
        w.id(),
        w.name(),
        w.startsAt(),
        w.endsAt(),
        w.cron(),
        w.timeZone(),
        w.duration(),
        next,
        active != null,
        w.createdAt());
  }
}
