package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Header;
import eu.runlater.engine.Probes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a check's answer means, and when the next one runs: pure, no server. */
class CheckJudgingTest {

  private static CheckSpec spec(String expected, String keyword, boolean absent, Integer maxMs) {
    return new CheckSpec(
        "http", "https://example.com", "GET", null, expected, keyword, absent, maxMs, true);
  }

  private static Probes.Result answer(int status, String body, long ms) {
    return new Probes.Result(
        status,
        null,
        null,
        List.of(),
        body.getBytes(StandardCharsets.UTF_8),
        false,
        "192.0.2.1",
        null,
        Duration.ofMillis(ms),
        URI.create("https://example.com"),
        0);
  }

  @Test
  void expected_statuses_are_a_list_of_codes_and_ranges() {
    CheckSpec s = spec("200,204,301-302", null, false, null);

    assertThat(s.statusExpected(200)).isTrue();
    assertThat(s.statusExpected(204)).isTrue();
    assertThat(s.statusExpected(302)).isTrue();
    assertThat(s.statusExpected(201)).isFalse();
    assertThat(spec(null, null, false, null).statusExpected(299)).isTrue();
    assertThat(spec(null, null, false, null).statusExpected(300)).isFalse();
  }

  @Test
  void the_first_failed_expectation_is_the_reason() {
    assertThat(CheckTransport.judge(spec(null, "ok", false, 100), answer(500, "", 500)).reason())
        .isEqualTo("HTTP 500, expected 200-299");
    assertThat(
            CheckTransport.judge(spec(null, "ok", false, 100), answer(200, "nope", 500)).reason())
        .isEqualTo("the body does not contain \"ok\"");
    assertThat(CheckTransport.judge(spec(null, "ok", false, 100), answer(200, "ok", 500)).reason())
        .isEqualTo("answered in 500 ms, more than the 100 ms allowed");
    CheckResult passed = CheckTransport.judge(spec(null, "ok", false, 1000), answer(200, "ok", 50));
    assertThat(passed.ok()).isTrue();
    assertThat(passed.status()).isEqualTo(200);
  }

  @Test
  void the_engines_delivery_headers_are_not_sent_to_the_target() {
    List<Header> own =
        CheckTransport.ownHeaders(
            List.of(
                new Header("Authorization", "Bearer x"),
                new Header("webhook-signature", "v1,..."),
                new Header("Runlater-Task-Id", "t"),
                new Header("traceparent", "00-..."),
                new Header("User-Agent", "Runlater/1.0")));

    assertThat(own).extracting(Header::name).containsExactly("Authorization", "User-Agent");
  }

  @Test
  void the_next_check_keeps_the_grid_and_skips_slots_already_past() {
    Instant planned = Instant.parse("2026-12-02T12:00:00Z");
    Duration interval = Duration.ofSeconds(30);

    assertThat(CheckOutcomes.next(planned, interval, planned.plusSeconds(2)))
        .isEqualTo(planned.plusSeconds(30));
    // The node was away for 95 s: the next is the first slot of the same grid still ahead.
    assertThat(CheckOutcomes.next(planned, interval, planned.plusSeconds(95)))
        .isEqualTo(planned.plusSeconds(120));
    assertThat(CheckOutcomes.next(planned, interval, planned.plusSeconds(30)))
        .isEqualTo(planned.plusSeconds(60));
  }

  @Test
  void a_result_round_trips_through_the_transports_json() {
    CheckResult r =
        new CheckResult(
            false,
            503,
            42,
            "HTTP 503, expected 200-299",
            Instant.parse("2027-01-01T00:00:00Z"),
            "::1");

    assertThat(CheckResult.parse(r.toJson())).isEqualTo(r);
  }
}
