package eu.runlater.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
  void each_wrong_field_is_named() {
    ApiProblem problem =
        catchThrowableOfType(
            ApiProblem.class, () -> CronPreview.of("* * *", "Nowhere/City", 51, NOW));
    assertThat(problem.errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("expression", "timezone", "count");
  }
}
