package eu.runlater.jobs;

import eu.runlater.engine.cron.CronSchedule;
import java.time.Instant;
import java.time.ZoneId;

/** When a job runs: once at an instant, or on a cron schedule in a time zone. */
public sealed interface Schedule permits Schedule.Once, Schedule.Cron {
  String type();

  /** Once, at an instant. */
  record Once(Instant at) implements Schedule {
    @Override
    public String type() {
      return "once";
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
