package eu.runlater.monitors;

import eu.runlater.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Words and figures the monitors' pages show: schedules, uptime, the response-time chart. */
final class MonitorPagesView {
  private MonitorPagesView() {}

  /** "1 h", "5 min", "90 s", "2 d 3 h". */
  static String span(long seconds) {
    if (seconds <= 0) {
      return "0 s";
    }
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + " d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + " h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + " min";
    }
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 7200) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return seconds / 3600 + " h " + (seconds % 3600) / 60 + " min";
  }

  static String span(Duration d) {
    return span(d.toSeconds());
  }

  /** The schedule in words: "Every 1 h, 5 min grace", "At 02:00 every day (Europe/Oslo), …". */
  static String schedule(MonitorPagesReads.Row m) {
    if (!m.heartbeat()) {
      return m.intervalS() == null ? "—" : "Checked every " + span(m.intervalS());
    }
    String grace = m.graceS() == null ? "" : ", " + span(m.graceS()) + " grace";
    if (m.cron() != null) {
      String words;
      try {
        words = CronSchedule.parseCached(m.cron()).describe();
      } catch (RuntimeException e) {
        words = m.cron();
      }
      return words + " (" + (m.timeZone() == null ? "UTC" : m.timeZone()) + ")" + grace;
    }
    return m.periodS() == null ? "—" : "Every " + span(m.periodS()) + grace;
  }

  /** What an uptime monitor checks: "GET https://…", "TCP db.example.com:5432". */
  static String target(MonitorPagesReads.Row m) {
    if (m.heartbeat()) {
      return null;
    }
    if ("tcp".equals(m.kind())) {
      return "TCP " + (m.url() == null ? "" : m.url().replaceFirst("^tcp://", ""));
    }
    return (m.method() == null ? "GET" : m.method()) + " " + m.url();
  }

  /** "99.95 %", "100 %", "—". */
  static String percent(Double p) {
    if (p == null) {
      return "—";
    }
    if (p >= 100.0) {
      return "100 %";
    }
    // Never round a bad figure up to 100.
    double floor = Math.floor(p * 100) / 100;
    return String.format(Locale.ROOT, "%.2f %%", floor);
  }

  /** Tone of an uptime figure: ok (≥ 99.9), warn (≥ 99), bad. */
  static String tone(Double p) {
    if (p == null) {
      return "";
    }
    return p >= 99.9 ? "ok" : p >= 99 ? "warn" : "bad";
  }

  /**
   * The response-time chart of the last hours: an SVG polyline each for p50 and p95 in a 600×140
   * box, and the scale.
   */
  record Chart(
      List<CheckStats.Hour> hours,
      String p50,
      String p95,
      List<Bar> failures,
      long maxMs,
      Instant from,
      Instant to,
      String summary) {
    public boolean empty() {
      return hours.isEmpty();
    }
  }

  /** A failed-checks mark: x and width in the box, and how many failed. */
  record Bar(double x, double width, int failed) {}

  static final int WIDTH = 600;
  static final int HEIGHT = 140;

  static Chart chart(List<CheckStats.Hour> hours, Instant from, Instant to) {
    double max = 1;
    for (CheckStats.Hour h : hours) {
      max = Math.max(max, h.p95Ms());
    }
    long top = niceCeiling(max);
    double span = Math.max(1, Duration.between(from, to).toSeconds());
    double slot = WIDTH * 3600 / span;
    StringBuilder p50 = new StringBuilder();
    StringBuilder p95 = new StringBuilder();
    List<Bar> failures = new ArrayList<>();
    double p50Sum = 0;
    int counted = 0;
    for (CheckStats.Hour h : hours) {
      double x = WIDTH * Duration.between(from, h.hour()).toSeconds() / span + slot / 2;
      p50.append(point(x, h.p50Ms(), top));
      p50Sum += h.p50Ms();
      counted++;
      p95.append(point(x, h.p95Ms(), top));
      if (h.failed() > 0) {
        failures.add(new Bar(round(x - slot / 2), round(slot), (int) h.failed()));
      }
    }
    String summary =
        counted == 0
            ? "No response times in this window."
            : "Response times per hour over the window; median of the hourly medians about "
                + Math.round(p50Sum / counted)
                + " ms, highest hourly 95th percentile "
                + Math.round(max)
                + " ms.";
    return new Chart(
        hours, p50.toString().strip(), p95.toString().strip(), failures, top, from, to, summary);
  }

  private static String point(double x, double ms, long top) {
    double y = HEIGHT - HEIGHT * Math.min(ms, top) / top;
    return round(x) + "," + round(y) + " ";
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  static long niceCeiling(double v) {
    long power = 1;
    while (true) {
      for (long step : new long[] {1, 2, 5}) {
        if (step * power >= v) {
          return step * power;
        }
      }
      power *= 10;
    }
  }
}
