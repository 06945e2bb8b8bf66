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
   */
  record PreviewRequest(String expression, String timezone, Integer count) {}

  @PostMapping("/api/v1/cron/preview")
  @Operation(
      summary = "Describe a cron expression and list its next runs",
      description =
          "keeps_elapsed_time tells which DST rule applies: true for every-hour schedules (they"
              + " run in both passes of a repeated hour and stay regular), false for fixed-hour"
              + " ones (a skipped time runs at the end of the gap, a repeated one once).")
  CronPreview preview(@RequestBody PreviewRequest request) {
    return CronPreview.of(
        request.expression(), request.timezone(), request.count(), clock.instant());
  }
}
