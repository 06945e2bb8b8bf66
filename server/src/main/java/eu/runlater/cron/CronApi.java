package eu.runlater.cron;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.InstantSource;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/cron/preview}: an expression in words and its next run times. */
@RestController
@Tag(name = "Jobs")
class CronApi {
  private final InstantSource clock;

  CronApi(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * @param count how many next runs, 1–50 (default 5)
   * @param from the runs after this instant (ISO-8601 with offset; default now)
   */
  record PreviewRequest(String expression, String timezone, Integer count, String from) {}

  @PostMapping("/api/v1/cron/preview")
  @Operation(
      summary = "Describe a cron expression and list its next runs",
      description =
          "The next `count` runs after `from` (default now), each as `local` (in the zone, with"
              + " its offset), `local_time` (the wall-clock time), `offset` (the zone's UTC offset"
              + " then, e.g. +02:00) and `utc`. keeps_elapsed_time tells which DST rule applies:"
              + " true for every-hour schedules (they run in both passes of a repeated hour and"
              + " stay regular), false for fixed-hour ones (a skipped time runs at the end of the"
              + " gap, a repeated one once). The grammar: 5 fields (minute hour day-of-month month"
              + " day-of-week) or 6 with leading seconds; *, ?, numbers, names (JAN, MON), ranges"
              + " (month and weekday ranges may wrap: FRI-MON), steps, lists; day-of-month L,"
              + " L-3, 15W, LW; day-of-week 1#2 (second Monday), 5L (last Friday); @hourly,"
              + " @daily, @midnight, @weekly, @monthly, @yearly, @annually. When either day field"
              + " starts with * a day must match both; otherwise either.")
  CronPreview preview(@RequestBody PreviewRequest request) {
    return CronPreview.of(
        request.expression(), request.timezone(), request.count(), request.from(), clock.instant());
  }
}
