package eu.runlater.executions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The execution page's sentence on why an attempt started when it did. */
class ExecutionDelaysTest {
  static final Instant PLANNED = Instant.parse("2026-11-22T06:00:00Z");

  private static ExecutionView attempt(int n, Instant due, Instant started, Execution.Held held) {
    return ExecutionView.summary(
        new Execution(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.randomUUID(),
            "job",
            UUID.randomUUID(),
            n,
            "success",
            true,
            PLANNED,
            due,
            started,
            started.plusMillis(20),
            20_000L,
            200,
            null,
            "node-a",
            null,
            null,
            null,
            held));
  }

  @Test
  void a_run_held_by_a_circuit_is_late_from_its_planned_time_and_names_the_host() {
    Instant probe = PLANNED.plus(Duration.ofMinutes(6));
    var held =
        new Execution.Held(
            "host_circuit", PLANNED.plusSeconds(60), probe, "https://api.example.com:443");
    // Its due time moved to the probe's: measured from it, it would read "late by 12 s".
    var delay =
        ExecutionDelays.of(attempt(1, probe, PLANNED.plusSeconds(312), held), "Europe/Oslo");
    assertThat(delay.text() + delay.linkText() + delay.after())
        .isEqualTo(
            "Started 5 min 12 s after its scheduled time: held by the open circuit of"
                + " api.example.com from 07:01:00 to 07:06:00.");
    assertThat(delay.href()).isEqualTo("/hosts/https/api.example.com:443");
    assertThat(delay.kind()).isEqualTo("host_circuit");
  }

  @Test
  void a_rescued_run_says_its_earlier_attempt_was_lost_with_its_node() {
    var held =
        new Execution.Held("node_lost", PLANNED.plusSeconds(40), PLANNED.plusSeconds(40), "n-7");
    var delay =
        ExecutionDelays.of(
            attempt(2, PLANNED.plusSeconds(40), PLANNED.plusSeconds(41), held), "UTC");
    assertThat(delay.text())
        .startsWith(
            "Started 41.0 s after its scheduled time: an earlier attempt was lost with node n-7")
        .contains("rescued at 06:00:40");
    assertThat(delay.href()).isNull();
  }

  @Test
  void an_attempt_without_a_hold_is_on_time_or_names_what_it_waited_for() {
    assertThat(ExecutionDelays.of(attempt(1, PLANNED, PLANNED.plusMillis(8), null), "UTC").text())
        .isEqualTo("Started on time, 8 ms after its scheduled time.");
    assertThat(
            ExecutionDelays.of(
                    attempt(3, PLANNED.plusSeconds(90), PLANNED.plusSeconds(90), null), "UTC")
                .text())
        .contains("this is attempt 3")
        .contains("due at 06:01:30");
    assertThat(ExecutionDelays.of(attempt(1, PLANNED, PLANNED.plusSeconds(45), null), "UTC").text())
        .contains("no hold was recorded");
  }
}
