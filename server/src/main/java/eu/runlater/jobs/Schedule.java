package eu.runlater.jobs;

import java.time.Instant;

/** When a job runs. Cron schedules join this type in the cron release. */
public sealed interface Schedule permits Schedule.Once {
  String type();

  /** Once, at an instant. */
  record Once(Instant at) implements Schedule {
    @Override
    public String type() {
      return "once";
    }
  }
}
