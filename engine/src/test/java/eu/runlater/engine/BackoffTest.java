package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void the_nth_retry_waits_between_zero_and_base_times_two_to_the_n_minus_one_capped()
      throws Exception {
    Backoff backoff = new Backoff(1_000, 10_000);
    Random random = new Random(42);
    long[] caps = {1_000, 2_000, 4_000, 8_000, 10_000, 10_000};
    for (int n = 1; n <= caps.length; n++) {
      long max = 0;
      for (int i = 0; i < 2_000; i++) {
        long wait = backoff.delayAfter(n, random).toMillis();
        assertThat(wait).isBetween(0L, caps[n - 1]);
        max = Math.max(max, wait);
      }
      // Full jitter spreads over the whole range.
      assertThat(max).isGreaterThan(caps[n - 1] * 9 / 10);
    }
  }

  @Test
  void retry_after_reads_seconds_and_http_dates_and_caps_at_an_hour() {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    assertThat(Delivery.retryAfter(List.of(h("Retry-After", "120")), now))
        .isEqualTo(Duration.ofSeconds(120));
    assertThat(Delivery.retryAfter(List.of(h("retry-after", "Sun, 22 Nov 2026 12:00:30 GMT")), now))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(Delivery.retryAfter(List.of(h("Retry-After", "86400")), now))
        .isEqualTo(Duration.ofHours(1));
    assertThat(Delivery.retryAfter(List.of(h("Retry-After", "Sat, 21 Nov 2026 00:00:00 GMT")), now))
        .isEqualTo(Duration.ZERO);
    assertThat(Delivery.retryAfter(List.of(h("Retry-After", "soon")), now)).isNull();
    assertThat(Delivery.retryAfter(List.of(), now)).isNull();
  }

  @Test
  void source_kinds_name_their_id_header() {
    assertThat(SentHeaders.sourceHeader("job")).isEqualTo("Runlater-Job-Id");
    assertThat(SentHeaders.sourceHeader("message")).isEqualTo("Runlater-Message-Id");
    assertThat(SentHeaders.sourceHeader("workflow_step")).isEqualTo("Runlater-Workflow-Step-Id");
  }

  private static eu.runlater.engine.Header h(String name, String value) {
    return new eu.runlater.engine.Header(name, value);
  }
}
