package eu.runlater.cron;

import eu.runlater.platform.TimeZones;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A cron expression in words with its next runs: what {@code POST /api/v1/cron/preview} answers and
 * the job form shows as you type.
 */
@Schema(name = "Preview")
public record CronPreview(
    String expression,
    String timezone,
    String description,
    boolean keepsElapsedTime,
    List<Run> next) {
  static final int DEFAULT_COUNT = 5;
  static final int MAX_COUNT = 50;

  /** One run: in the schedule's zone (with its offset) and in UTC. */
  public record Run(OffsetDateTime local, Instant utc) {}

  /**
   * The preview of {@code expression} in {@code timezone} (UTC when blank): {@code count} runs
   * after {@code now} (null for {@value #DEFAULT_COUNT}).
   *
   * @throws ApiProblem naming each of {@code expression}, {@code timezone} and {@code count} that
   *     is wrong
   */
  public static CronPreview of(String expression, String timezone, Integer count, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    CronSchedule cron = null;
    try {
      cron = CronSchedule.parse(expression);
    } catch (CronParseException e) {
      errors.add(new FieldError("expression", e.getMessage()));
    }
    ZoneId zone = TimeZones.parse(timezone, "timezone", errors);
    int n = count == null ? DEFAULT_COUNT : count;
    if (n < 1 || n > MAX_COUNT) {
      errors.add(new FieldError("count", "must be 1 to " + MAX_COUNT));
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    List<Run> runs =
        cron.next(now, zone, n).stream()
            .map(t -> new Run(t.atZone(zone).toOffsetDateTime(), t))
            .toList();
    return new CronPreview(
        cron.expression(), zone.getId(), cron.describe(), cron.everyHour(), runs);
  }
}
