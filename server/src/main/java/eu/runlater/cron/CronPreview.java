package eu.runlater.cron;

import eu.runlater.platform.TimeZones;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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

  /**
   * One run: in the schedule's zone with its offset ({@code local}), its wall-clock time there
   * ({@code local_time}), the zone's UTC offset then ({@code offset}, "+02:00"), and in UTC.
   */
  public record Run(OffsetDateTime local, LocalDateTime localTime, String offset, Instant utc) {
    static Run of(Instant utc, ZoneId zone) {
      OffsetDateTime local = utc.atZone(zone).toOffsetDateTime();
      return new Run(local, local.toLocalDateTime(), OFFSET.format(local), utc);
    }
  }

  /** "+00:00" rather than "Z", so every offset reads alike. */
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx");

  /** {@link #of(String, String, Integer, String, Instant)} from {@code now}. */
  public static CronPreview of(String expression, String timezone, Integer count, Instant now) {
    return of(expression, timezone, count, null, now);
  }

  /**
   * The preview of {@code expression} in {@code timezone} (UTC when blank): {@code count} runs
   * (null for {@value #DEFAULT_COUNT}) after {@code from}, an ISO-8601 instant (null or blank for
   * {@code now}), so a client can ask what happens around a clock change.
   *
   * @throws ApiProblem naming each of {@code expression}, {@code timezone}, {@code count} and
   *     {@code from} that is wrong
   */
  public static CronPreview of(
      String expression, String timezone, Integer count, String from, Instant now) {
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
    Instant after = now;
    if (from != null && !from.isBlank()) {
      try {
        after = OffsetDateTime.parse(from.strip()).toInstant();
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(
                "from", "must be an instant with its offset, e.g. 2027-03-28T00:00:00Z"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    List<Run> runs = cron.next(after, zone, n).stream().map(t -> Run.of(t, zone)).toList();
    return new CronPreview(
        cron.expression(), zone.getId(), cron.describe(), cron.everyHour(), runs);
  }
}
