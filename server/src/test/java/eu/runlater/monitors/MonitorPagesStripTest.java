package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.cron.CronSchedule;
import eu.runlater.monitors.MonitorPagesStrip.Entry;
import eu.runlater.monitors.MonitorPagesStrip.Plan;
import eu.runlater.monitors.MonitorPagesStrip.Signal;
import eu.runlater.monitors.MonitorPagesStrip.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Planned vs actual for monitors, from a schedule, the signals and the paused spans. */
class MonitorPagesStripTest {
  private static final Instant T0 = Instant.parse("2026-03-28T12:00:00Z");

  private static Signal ok(Instant at) {
    return new Signal(at, Signal.Kind.OK, "success", null);
  }

  private static Signal fail(Instant at) {
    return new Signal(at, Signal.Kind.FAIL, "exit 2", null);
  }

  private static List<String> statuses(List<Entry> entries) {
    return entries.stream().map(Entry::status).toList();
  }

  @Test
  void
      each_cron_occurrence_is_answered_on_time_late_by_a_failure_or_missed_and_later_ones_planned() {
    Plan plan =
        new Plan(
            CronSchedule.parse("*/15 * * * *"),
            ZoneId.of("UTC"),
            null,
            Duration.ofMinutes(5),
            false);
    Instant now = T0.plus(Duration.ofMinutes(62));
    List<Entry> entries =
        MonitorPagesStrip.entries(
            plan,
            T0,
            T0.plus(Duration.ofMinutes(90)),
            now,
            T0.minus(Duration.ofDays(1)),
            null,
            List.of(
                ok(T0.minusSeconds(10)), // 12:00, on time
                ok(T0.plus(Duration.ofMinutes(17))), // 12:15, 2 min late, within grace
                fail(T0.plus(Duration.ofMinutes(30)))), // 12:30, failed
            // 12:45: nothing; 13:00: due 2 min ago, within grace
            List.of());
    assertThat(statuses(entries))
        .containsExactly(
            "succeeded", "succeeded", "failed", "missed", "overdue", "planned", "planned");
    assertThat(entries.get(1).latenessMs()).isEqualTo(Duration.ofMinutes(2).toMillis());
    assertThat(entries.get(0).latenessMs()).isNull();
    assertThat(entries.get(2).signal()).isEqualTo("exit 2");
  }

  @Test
  void a_period_heartbeat_shows_each_ping_and_the_ones_that_did_not_come_in_a_gap() {
    Plan plan = new Plan(null, null, Duration.ofMinutes(10), Duration.ofMinutes(2), false);
    Instant now = T0.plus(Duration.ofMinutes(65));
    List<Entry> entries =
        MonitorPagesStrip.entries(
            plan,
            T0,
            T0.plus(Duration.ofMinutes(90)),
            now,
            T0.minus(Duration.ofDays(1)),
            T0.plus(Duration.ofMinutes(70)),
            List.of(
                ok(T0),
                ok(T0.plus(Duration.ofMinutes(10))),
                // 20, 30 and 40 missing
                ok(T0.plus(Duration.ofMinutes(50))),
                fail(T0.plus(Duration.ofMinutes(60)))),
            List.of());
    assertThat(statuses(entries))
        .containsExactly(
            "succeeded",
            "succeeded",
            "missed",
            "missed",
            "missed",
            "succeeded",
            "failed",
            "planned",
            "planned",
            "planned");
  }

  @Test
  void expected_signals_while_paused_are_paused_not_missed() {
    Plan plan = new Plan(null, null, Duration.ofMinutes(10), Duration.ofMinutes(10), true);
    Instant now = T0.plus(Duration.ofMinutes(55));
    List<Entry> entries =
        MonitorPagesStrip.entries(
            plan,
            T0,
            T0.plus(Duration.ofMinutes(60)),
            now,
            T0.minus(Duration.ofDays(1)),
            null,
            List.of(ok(T0), ok(T0.plus(Duration.ofMinutes(50)))),
            List.of(new Span(T0.plus(Duration.ofMinutes(5)), T0.plus(Duration.ofMinutes(25)))));
    // Checks: 10 and 20 fell in the pause; 30 did not run.
    assertThat(statuses(entries))
        .containsExactly("succeeded", "paused", "paused", "not_run", "succeeded", "planned");
  }

  @Test
  void the_timeline_gives_its_paused_spans() {
    List<MonitorPagesReads.Event> events =
        List.of(
            new MonitorPagesReads.Event(T0, "new", "up", "first ping"),
            new MonitorPagesReads.Event(T0.plusSeconds(60), "up", "paused", "paused"),
            new MonitorPagesReads.Event(T0.plusSeconds(120), "paused", "new", "resumed"),
            new MonitorPagesReads.Event(T0.plusSeconds(180), "new", "paused", "paused"));
    assertThat(MonitorPagesStrip.pausedSpans(events))
        .containsExactly(
            new Span(T0.plusSeconds(60), T0.plusSeconds(120)), new Span(T0.plusSeconds(180), null));
  }
}
