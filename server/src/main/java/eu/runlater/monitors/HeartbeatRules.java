package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorTransitions.DOWN;
import static eu.runlater.monitors.MonitorTransitions.LATE;
import static eu.runlater.monitors.MonitorTransitions.NEW;
import static eu.runlater.monitors.MonitorTransitions.PAUSED;
import static eu.runlater.monitors.MonitorTransitions.UP;

import eu.runlater.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The heartbeat state machine, pure: what a ping or the passing of time does to a heartbeat
 * monitor. No clock and no database: the caller passes the monitor's schedule, what it knows of its
 * state and the time, and writes what comes back (through {@link MonitorTransitions} when the state
 * changes).
 *
 * <ul>
 *   <li>{@code new}: never pinged; nothing is expected yet (a monitor made before its job runs does
 *       not page). A {@code /start} still starts the max-runtime clock.
 *   <li>A success ping ({@code /ping/<token>}, or exit code 0): {@code up}; the next ping is due a
 *       period after it, or at the cron schedule's next time after it, in the schedule's zone.
 *   <li>Past due: {@code late}; past due plus grace: {@code down}.
 *   <li>{@code /start}: the run's clock starts; while it runs, being late waits: the run is {@code
 *       down} when it has not finished within max runtime (the grace when no max runtime is set).
 *       The finish (success, fail or exit code) measures its duration.
 *   <li>{@code /fail} or a non-zero exit code: {@code down} at once; the next success is {@code
 *       up}.
 *   <li>{@code paused}: pings are logged, the state does not move until it is resumed (to {@code
 *       new}: the next ping starts the schedule again).
 * </ul>
 */
final class HeartbeatRules {
  private HeartbeatRules() {}

  static final String SUCCESS = "success";
  static final String START = "start";
  static final String FAIL = "fail";
  static final String EXIT = "exit";

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /**
   * A heartbeat's schedule: every {@code period}, or at {@code cron}'s times in {@code zone}; then
   * {@code grace} to be late before it is down.
   *
   * @param maxRuntime a {@code /start} with no finish within it is down (null: the grace)
   */
  record Schedule(
      Duration period, CronSchedule cron, ZoneId zone, Duration grace, Duration maxRuntime) {

    /** When the ping after one at {@code ping} is due. */
    Instant nextDue(Instant ping) {
      return period != null ? ping.plus(period) : cron.next(ping, zone);
    }

    Duration runLimit() {
      return maxRuntime != null ? maxRuntime : grace;
    }

    /** "every 1 h with 5 min grace", "on 0 2 * * * (Europe/Oslo) with 10 min grace". */
    String words() {
      String when =
          period != null
              ? "every " + duration(period)
              : "on " + cron.expression() + " (" + zone.getId() + ")";
      return when + " with " + duration(grace) + " grace";
    }
  }

  /** What the rules need of a monitor's state. */
  record Current(String state, Instant dueAt, Instant runningSince, Instant lastPingAt) {}

  /** A ping: {@code success}, {@code start}, {@code fail} or {@code exit} (with its code). */
  record Ping(String kind, Integer exitCode, Instant at) {
    boolean finish() {
      return !START.equals(kind);
    }

    boolean failed() {
      return FAIL.equals(kind) || EXIT.equals(kind) && exitCode != null && exitCode != 0;
    }
  }

  /**
   * What the monitor becomes.
   *
   * @param reason why the state is what it is (for the timeline and the alert); only meaningful
   *     when the state changed
   * @param durationMs a finished run's measured duration (a finish after a start), else null
   */
  record Next(
      String state,
      String reason,
      Instant dueAt,
      Instant transitionAt,
      Instant runningSince,
      Long durationMs) {}

  /** What a ping does. */
  static Next ping(Schedule s, Current c, Ping p) {
    if (!p.finish()) {
      Instant due = c.dueAt();
      return next(s, c.state(), null, due, p.at(), null);
    }
    Long duration =
        c.runningSince() == null || c.runningSince().isAfter(p.at())
            ? null
            : Duration.between(c.runningSince(), p.at()).toMillis();
    Instant due = s.nextDue(p.at());
    if (PAUSED.equals(c.state())) {
      return next(s, PAUSED, null, c.dueAt(), null, duration);
    }
    if (p.failed()) {
      String reason =
          FAIL.equals(p.kind())
              ? "a /fail ping at " + CLOCK.format(p.at())
              : "exit code " + p.exitCode() + " at " + CLOCK.format(p.at());
      return next(s, DOWN, reason, due, null, duration);
    }
    String reason =
        EXIT.equals(p.kind())
            ? "exit code 0 at " + CLOCK.format(p.at())
            : "a ping at " + CLOCK.format(p.at());
    return next(s, UP, reason, due, null, duration);
  }

  /** What the passing of time does by {@code now}: late, down, a run past its max runtime. */
  static Next tick(Schedule s, Current c, Instant now) {
    String state = c.state();
    if (PAUSED.equals(state) || DOWN.equals(state)) {
      return next(s, state, null, c.dueAt(), c.runningSince(), null);
    }
    if (c.runningSince() != null) {
      Instant deadline = c.runningSince().plus(s.runLimit());
      if (!now.isBefore(deadline)) {
        return next(
            s,
            DOWN,
            "started at "
                + CLOCK.format(c.runningSince())
                + " and did not finish within "
                + duration(s.runLimit()),
            c.dueAt(),
            null,
            null);
      }
      return next(s, state, null, c.dueAt(), c.runningSince(), null);
    }
    if (c.dueAt() == null || NEW.equals(state)) {
      return next(s, state, null, c.dueAt(), null, null);
    }
    if (!now.isBefore(c.dueAt().plus(s.grace()))) {
      return next(s, DOWN, missing(s, c), c.dueAt(), null, null);
    }
    if (!now.isBefore(c.dueAt()) && UP.equals(state)) {
      return next(s, LATE, missing(s, c), c.dueAt(), null, null);
    }
    return next(s, state, null, c.dueAt(), null, null);
  }

  /**
   * A monitor whose schedule changed: the next ping is due by the new schedule after the last one,
   * and the state follows at once (an up monitor whose new period has already passed is late).
   */
  static Next rescheduled(Schedule s, Current c, Instant now) {
    if (c.lastPingAt() == null || !(UP.equals(c.state()) || LATE.equals(c.state()))) {
      return next(s, c.state(), null, c.dueAt(), c.runningSince(), null);
    }
    Instant due = s.nextDue(c.lastPingAt());
    Current moved = new Current(UP, due, c.runningSince(), c.lastPingAt());
    Next next = tick(s, moved, now);
    return UP.equals(next.state()) && !UP.equals(c.state())
        ? new Next(
            UP,
            "the schedule changed: now " + s.words(),
            next.dueAt(),
            next.transitionAt(),
            next.runningSince(),
            null)
        : next;
  }

  /**
   * When the sweep must look at a monitor in {@code state} next; null when only a ping can move it.
   */
  static Instant transitionAt(Schedule s, String state, Instant dueAt, Instant runningSince) {
    if (PAUSED.equals(state) || DOWN.equals(state)) {
      return null;
    }
    if (runningSince != null) {
      return runningSince.plus(s.runLimit());
    }
    if (dueAt == null || NEW.equals(state)) {
      return null;
    }
    return LATE.equals(state) ? dueAt.plus(s.grace()) : dueAt;
  }

  private static Next next(
      Schedule s, String state, String reason, Instant due, Instant running, Long duration) {
    return new Next(state, reason, due, transitionAt(s, state, due, running), running, duration);
  }

  private static String missing(Schedule s, Current c) {
    String since =
        c.lastPingAt() == null ? "no ping yet" : "no ping since " + CLOCK.format(c.lastPingAt());
    return since + "; due at " + CLOCK.format(c.dueAt()) + ", " + s.words();
  }

  /** "90 s", "5 min", "1 h", "1 h 30 min", "2 d". */
  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60 || s % 60 != 0) {
      return s + " s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + " min";
    }
    long h = m / 60;
    long rm = m % 60;
    if (h < 24) {
      return h + " h" + (rm == 0 ? "" : " " + rm + " min");
    }
    long days = h / 24;
    long rh = h % 24;
    return rm != 0 ? h + " h " + rm + " min" : days + " d" + (rh == 0 ? "" : " " + rh + " h");
  }
}
