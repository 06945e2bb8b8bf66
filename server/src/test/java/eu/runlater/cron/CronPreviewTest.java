package eu.runlater.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronPreviewTest {
  static final Instant NOW = Instant.parse("2026-03-27T12:00:00Z");

  @Test
  void a_preview_has_the_words_and_the_next_runs_in_the_zone_and_in_utc() {
    CronPreview p = CronPreview.of("  0 2 * * *  ", "europe/oslo", 3, NOW);
    assertThat(p.expression()).isEqualTo("0 2 * * *");
    assertThat(p.timezone()).isEqualTo("Europe/Oslo");
    assertThat(p.description()).isEqualTo("At 02:00");
    assertThat(p.keepsElapsedTime()).isFalse();
    // 02:00 on 29 March does not exist in Oslo: that run is at the end of the gap.
    assertThat(p.next())
        .extracting(r -> r.local().toString())
        .containsExactly(
            "2026-03-28T02:00+01:00", "2026-03-29T03:00+02:00", "2026-03-30T02:00+02:00");
    assertThat(p.next()).allMatch(r -> r.local().toInstant().equals(r.utc()));
    assertThat(CronPreview.of("*/5 * * * *", null, null, NOW).next()).hasSize(5);
  }

  @Test
  void from_asks_what_happens_around_a_clock_change_with_each_runs_local_time_and_offset() {
    // Oslo falls back on 31 October 2027: 02:30 happens twice; a fixed-hour schedule runs once.
    CronPreview p = CronPreview.of("30 2 * * *", "Europe/Oslo", 3, "2027-10-30T00:00:00Z", NOW);
    assertThat(p.next())
        .extracting(r -> r.localTime().toString(), CronPreview.Run::offset, r -> r.utc().toString())
        .containsExactly(
            tuple("2027-10-30T02:30", "+02:00", "2027-10-30T00:30:00Z"),
            tuple("2027-10-31T02:30", "+02:00", "2027-10-31T00:30:00Z"),
            tuple("2027-11-01T02:30", "+01:00", "2027-11-01T01:30:00Z"));
    // An every-hour schedule runs in both passes.
    assertThat(
            CronPreview.of("30 * * * *", "Europe/Oslo", 2, "2027-10-31T00:00:00+02:00", NOW).next())
        .extracting(r -> r.localTime().toString(), CronPreview.Run::offset)
        .containsExactly(tuple("2027-10-31T00:30", "+02:00"), tuple("2027-10-31T01:30", "+02:00"));
    assertThat(CronPreview.of("0 0 * * *", "UTC", 1, "2027-01-01T00:00:00Z", NOW).next())
        .extracting(CronPreview.Run::offset)
        .containsExactly("+00:00");
  }

  @Test
  void calendar_items_preview_like_the_rest() {
    CronPreview last = CronPreview.of("0 0 L * *", "UTC", 3, "2028-01-15T00:00:00Z", NOW);
    assertThat(last.description()).isEqualTo("At 00:00 on the last day of the month");
    assertThat(last.next())
        .extracting(r -> r.utc().toString())
        .containsExactly("2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z");
    CronPreview lastSunday = CronPreview.of("30 2 * * SUNL", "Europe/Oslo", 1, null, NOW);
    assertThat(lastSunday.description()).isEqualTo("At 02:30 on the last Sunday of the month");
    // 29 March 2026: 02:30 is skipped and runs at the end of the gap.
    assertThat(lastSunday.next())
        .extracting(r -> r.local().toString())
        .containsExactly("2026-03-29T03:00+02:00");
    assertThat(CronPreview.of("0 9 */2 * 1", "UTC", 1, null, NOW).description())
        .isEqualTo("At 09:00 on odd-numbered days of the month, only if it is also a Monday");
  }

  @Test
  void each_wrong_field_is_named() {
    ApiProblem problem =
        catchThrowableOfType(
            ApiProblem.class, () -> CronPreview.of("* * *", "Nowhere/City", 51, NOW));
    assertThat(problem.errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("expression", "timezone", "count");
    ApiProblem from =
        catchThrowableOfType(
            ApiProblem.class, () -> CronPreview.of("0 0 L * *", "UTC", 1, "tomorrow", NOW));
    assertThat(from.errors())
        .extracting(FieldError::field, FieldError::message)
        .containsExactly(
            tuple("from", "must be an instant with its offset, e.g. 2027-03-28T00:00:00Z"));
  }
}
