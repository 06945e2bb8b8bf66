package eu.runlater.jobs;

import eu.runlater.cron.CronParseException;
import eu.runlater.cron.CronSchedule;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/cron/preview}: an expression in words and its next run times. */
@RestController
@Tag(name = "Jobs")
class CronApi {
  static final int DEFAULT_COUNT = 5;
  static final int MAX_COUNT = 50;
  private final InstantSource clock;

  CronApi(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * @param count how many next runs, 1–50 (default 5)
   */
  record PreviewRequest(String expression, String timezone, Integer count) {}

  /** One run: in the schedule's zone (with its offset) and in UTC. */
  record Run(OffsetDateTime local, Instant utc) {}

  record Preview(
      String expression,
      String timezone,
      String description,
      boolean keepsElapsedTime,
      List<Run> next) {}

  @PostMapping("/api/v1/cron/preview")
  @Operation(
      summary = "Describe a cron expression and list its next runs",
      description =
          "keeps_elapsed_time tells which DST rule applies: true for every-hour schedules (they"
              + " run in both passes of a repeated hour and stay regular), false for fixed-hour"
              + " ones (a skipped time runs at the end of the gap, a repeated one once).")
  Preview preview(@RequestBody PreviewRequest request) {
    List<FieldError> errors = new ArrayList<>();
    CronSchedule cron = null;
    try {
      cron = CronSchedule.parse(request.expression());
    } catch (CronParseException e) {
      errors.add(new FieldError("expression", e.getMessage()));
    }
    ZoneId zone = JobValidator.zone(request.timezone(), "timezone", errors);
    int count = request.count() == null ? DEFAULT_COUNT : request.count();
    if (count < 1 || count > MAX_COUNT) {
      errors.add(new FieldError("count", "must be 1 to " + MAX_COUNT));
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    List<Run> runs =
        cron.next(clock.instant(), zone, count).stream()
            .map(t -> new Run(t.atZone(zone).toOffsetDateTime(), t))
            .toList();
    return new Preview(
        cron.expression(), zone.getId(), CronDescriptions.describe(cron), cron.everyHour(), runs);
  }
}
