package eu.runlater.jobs;

import eu.runlater.cron.CronSchedule;
import java.time.Instant;
import java.time.ZoneId;

/** When a job runs: once at an instant, or on a cron schedule in a time zone. */
sealed interface Schedule permits Schedule.Once, Schedule.Cron {
  ZoneId UTC = ZoneId.of("UTC");

  String type();

  /**
   * Once, at an instant.
   *
   * @param zone the time zone the time was given in, to show it in again; null when none was given
   *     (shown in UTC)
   */
  record Once(Instant at, ZoneId zone) implements Schedule {
    public Once(Instant at) {
      this(at, null);
    }

    @Override
    public String type() {
      return "once";
    }

    /** The zone's id, or null when none was given. */
    public String zoneId() {
      return zone == null ? null : zone.getId();
    }

    /** The zone to show the time in. */
    public ZoneId shownIn() {
      return zone == null ? UTC : zone;
    }
  }

  /** Every time a cron expression matches, in a time zone (see {@link CronSchedule}). */
  record Cron(CronSchedule cron, ZoneId zone) implements Schedule {
    @Override
    public String type() {
      return "cron";
    }

    public Instant next(Instant after) {
      return cron.next(after, zone);
    }
  }
}
