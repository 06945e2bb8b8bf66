package eu.runlater.monitors;

import eu.runlater.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Planned versus actual for a monitor, as the jobs' strip shows it: what its schedule expected and
 * what came. Pure: the page gives it the schedule, the signals (pings, or an uptime monitor's
 * checks) and the paused spans of a window.
 *
 * <p>A cron heartbeat expects a ping for each occurrence: a ping belongs to the first occurrence
 * whose grace it arrives within, so an occurrence is answered on time, late (within grace), by a
 * failure, or missed. A period heartbeat (and an uptime monitor's checks) expects a signal every
 * period after the previous one: each signal is a square, and a gap longer than period plus grace
 * shows the signals that did not come.
 */
final class MonitorPagesStrip {
  static final int MAX_ENTRIES = 300;
  static final int BACK_SQUARES = 96;
  static final int AHEAD_SQUARES = 12;

  private MonitorPagesStrip() {}

  /** A ping or a check: OK (success, exit 0, a passed check), FAIL, or START (of a run). */
  record Signal(Instant at, Kind kind, String label, Long durationMs) {
    enum Kind {
      OK,
      FAIL,
      START
    }
  }

  /** A span the monitor was paused; {@code to} null while it still is. */
  record Span(Instant from, Instant to) {
    boolean covers(Instant at) {
      return !at.isBefore(from) && (to == null || at.isBefore(to));
    }
  }

  /**
   * One square.
   *
   * @param status {@code succeeded}, {@code failed}, {@code running} (started, no finish yet),
   *     {@code overdue} (due, within its grace), {@code missed}, {@code not_run} (an uptime check
   *     that did not happen), {@code paused}, {@code planned}
   * @param planned false for a signal the schedule did not ask for (a second ping for one
   *     occurrence)
   * @param signal what came ("success", "exit 3", "HTTP 503"), or null
   * @param signalAt when it came
   * @param latenessMs how long after its occurrence it came (cron), when it was late
   */
  record Entry(
      Instant at,
      String status,
      boolean planned,
      String signal,
      Instant signalAt,
      Long latenessMs,
      Long durationMs,
      String reason) {}

  /** The schedule: a cron expression in a zone, or a period; grace after each due time. */
  record Plan(CronSchedule cron, ZoneId zone, Duration period, Duration grace, boolean checks) {
    Duration interval(Instant at) {
      return cron != null ? cron.interval(at, zone) : period;
    }
  }

  /** How far back and ahead the strip looks: a day and 6 hours, less for frequent schedules. */
  static Duration[] window(Plan plan, Instant now) {
    Duration back = Duration.ofDays(1);
    Duration ahead = Duration.ofHours(6);
    Duration interval = plan.interval(now);
    if (interval.multipliedBy(BACK_SQUARES).compareTo(back) < 0) {
      back = interval.multipliedBy(BACK_SQUARES);
    }
    if (interval.multipliedBy(AHEAD_SQUARES).compareTo(ahead) < 0) {
      ahead = interval.multipliedBy(AHEAD_SQUARES);
    }
    return new Duration[] {back, ahead};
  }

  /**
   * The squares from {@code from} to {@code to}, oldest first.
   *
   * @param since when the monitor began (created, or its schedule last changed): nothing is
   *     expected before it
   * @param dueAt when the next signal is due, as the monitor's state says (null: unknown)
   */
  static List<Entry> entries(
      Plan plan,
      Instant from,
      Instant to,
      Instant now,
      Instant since,
      Instant dueAt,
      List<Signal> signals,
      List<Span> paused) {
    List<Entry> out =
        plan.cron() != null
            ? cron(plan, from, to, now, since, signals, paused)
            : period(plan, from, to, now, since, dueAt, signals, paused);
    return out.size() > MAX_ENTRIES ? out.subList(out.size() - MAX_ENTRIES, out.size()) : out;
  }

  private static List<Entry> cron(
      Plan plan,
      Instant from,
      Instant to,
      Instant now,
      Instant since,
      List<Signal> signals,
      List<Span> paused) {
    Instant start = from.isAfter(since) ? from : since;
    List<Instant> slots = plan.cron().between(start.minusNanos(1), to, plan.zone(), MAX_ENTRIES);
    List<Entry> out = new ArrayList<>();
    int next = 0;
    Instant previous = null;
    for (Instant slot : slots) {
      Instant opens =
          previous == null
              ? slot.minus(plan.interval(slot)).plus(plan.grace())
              : opens(previous, plan);
      Instant closes = slot.plus(plan.grace());
      // The signals that answer this occurrence: after the previous one's grace, within its own.
      Signal decisive = null;
      Signal started = null;
      int answers = 0;
      while (next < signals.size() && !signals.get(next).at().isAfter(closes)) {
        Signal s = signals.get(next++);
        if (!s.at().isAfter(opens)) {
          continue;
        }
        if (s.kind() == Signal.Kind.START) {
          started = s;
        } else {
          decisive = s;
          answers++;
        }
      }
      if (decisive != null) {
        long late = Math.max(0, Duration.between(slot, decisive.at()).toMillis());
        out.add(
            new Entry(
                slot,
                decisive.kind() == Signal.Kind.OK ? "succeeded" : "failed",
                true,
                decisive.label() + (answers > 1 ? " (and " + (answers - 1) + " more)" : ""),
                decisive.at(),
                late > 0 ? late : null,
                decisive.durationMs(),
                null));
      } else if (started != null) {
        out.add(
            new Entry(
                slot,
                "running",
                true,
                "start",
                started.at(),
                null,
                null,
                "started, no finish yet"));
      } else if (isPaused(paused, slot)) {
        out.add(new Entry(slot, "paused", true, null, null, null, null, "the monitor was paused"));
      } else if (slot.isAfter(now)) {
        out.add(new Entry(slot, "planned", true, null, null, null, null, null));
      } else if (closes.isAfter(now)) {
        out.add(
            new Entry(
                slot, "overdue", true, null, null, null, null, "due; within its grace period"));
      } else {
        out.add(
            new Entry(
                slot, "missed", true, null, null, null, null, "no ping came within its grace"));
      }
      previous = slot;
    }
    return out;
  }

  private static Instant opens(Instant previous, Plan plan) {
    return previous.plus(plan.grace());
  }

  private static List<Entry> period(
      Plan plan,
      Instant from,
      Instant to,
      Instant now,
      Instant since,
      Instant dueAt,
      List<Signal> signals,
      List<Span> paused) {
    Duration period = plan.period();
    Duration grace = plan.grace();
    String absent = plan.checks() ? "not_run" : "missed";
    String absentWhy = plan.checks() ? "no check ran" : "no ping came within its grace";
    List<Entry> out = new ArrayList<>();
    Instant last = null;
    for (Signal s : signals) {
      if (s.kind() == Signal.Kind.START) {
        continue;
      }
      if (last != null) {
        gap(out, last, s.at(), period, grace, paused, absent, absentWhy);
      } else if (since.isAfter(from)) {
        gap(out, since, s.at(), period, grace, paused, absent, absentWhy);
      }
      Long late = null;
      if (!plan.checks() && last != null) {
        long ms = Duration.between(last.plus(period), s.at()).toMillis();
        late = ms > 1000 ? ms : null;
      }
      out.add(
          new Entry(
              s.at(),
              s.kind() == Signal.Kind.OK ? "succeeded" : "failed",
              true,
              s.label(),
              s.at(),
              late,
              s.durationMs(),
              null));
      last = s.at();
    }
    // What is due after the last signal: missed so far, then planned.
    Instant expected =
        dueAt != null && (last == null || dueAt.isAfter(last))
            ? dueAt
            : (last != null
                ? last.plus(period)
                : (since.isAfter(from) ? since.plus(period) : null));
    if (expected == null) {
      return out;
    }
    if (expected.isBefore(from)) {
      // Silent since before the window: start at its first expected signal inside it.
      long periods = Duration.between(expected, from).toMillis() / Math.max(1, period.toMillis());
      expected = expected.plus(period.multipliedBy(periods));
    }
    for (int i = 0; out.size() < MAX_ENTRIES * 2 && !expected.isAfter(to); i++) {
      if (isPaused(paused, expected) && !expected.isAfter(now)) {
        out.add(
            new Entry(expected, "paused", true, null, null, null, null, "the monitor was paused"));
      } else if (expected.isAfter(now)) {
        out.add(new Entry(expected, "planned", true, null, null, null, null, null));
      } else if (expected.plus(grace).isAfter(now)) {
        out.add(
            new Entry(
                expected, "overdue", true, null, null, null, null, "due; within its grace period"));
      } else {
        out.add(new Entry(expected, absent, true, null, null, null, null, absentWhy));
      }
      expected = expected.plus(period);
    }
    return out;
  }

  /** The expected signals that did not come between two that did. */
  private static void gap(
      List<Entry> out,
      Instant after,
      Instant before,
      Duration period,
      Duration grace,
      List<Span> paused,
      String absent,
      String why) {
    Instant expected = after.plus(period);
    for (int i = 0; i < MAX_ENTRIES && expected.plus(grace).isBefore(before); i++) {
      out.add(
          isPaused(paused, expected)
              ? new Entry(
                  expected, "paused", true, null, null, null, null, "the monitor was paused")
              : new Entry(expected, absent, true, null, null, null, null, why));
      expected = expected.plus(period);
    }
  }

  private static boolean isPaused(List<Span> paused, Instant at) {
    return paused.stream().anyMatch(p -> p.covers(at));
  }

  /** The paused spans of a timeline (its events oldest first). */
  static List<Span> pausedSpans(List<MonitorPagesReads.Event> events) {
    List<Span> spans = new ArrayList<>();
    Instant from = null;
    for (MonitorPagesReads.Event e : events) {
      if ("paused".equals(e.to()) && from == null) {
        from = e.at();
      } else if (!"paused".equals(e.to()) && from != null) {
        spans.add(new Span(from, e.at()));
        from = null;
      }
    }
    if (from != null) {
      spans.add(new Span(from, null));
    }
    return spans;
  }
}
