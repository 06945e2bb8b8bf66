package eu.runlater.monitors;

import static eu.runlater.monitors.HeartbeatRules.*;
import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The heartbeat state machine, every transition, without a clock or a database. */
class HeartbeatRulesTest {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final Schedule HOURLY =
      new Schedule(Duration.ofHours(1), null, ZoneId.of("UTC"), Duration.ofMinutes(5), null);

  static Current current(String state, Instant due, Instant running, Instant last) {
    return new Current(state, due, running, last);
  }

  static Ping ok(Instant at) {
    return new Ping(SUCCESS, null, at);
  }

  @Test
  void a_new_monitor_expects_nothing_until_its_first_ping_then_is_up_and_due_a_period_later() {
    Current fresh = current("new", null, null, null);
    assertThat(tick(HOURLY, fresh, T0.plus(Duration.ofDays(30))).state()).isEqualTo("new");
    assertThat(transitionAt(HOURLY, "new", null, null)).isNull();
    Next next = ping(HOURLY, fresh, ok(T0));
    assertThat(next.state()).isEqualTo("up");
    assertThat(next.dueAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(next.transitionAt()).isEqualTo(next.dueAt());
  }

  @Test
  void past_due_is_late_past_due_and_grace_is_down_and_a_ping_brings_it_back_up() {
    Instant due = T0.plus(Duration.ofHours(1));
    Current up = current("up", due, null, T0);
    assertThat(tick(HOURLY, up, due.minusMillis(1)).state()).isEqualTo("up");
    Next late = tick(HOURLY, up, due);
    assertThat(late.state()).isEqualTo("late");
    assertThat(late.reason())
        .contains("no ping since 2026-03-01 12:00:00 UTC", "every 1 h with 5 min grace");
    assertThat(late.transitionAt()).isEqualTo(due.plus(Duration.ofMinutes(5)));
    Current isLate = current("late", due, null, T0);
    assertThat(tick(HOURLY, isLate, due.plus(Duration.ofMinutes(5)).minusMillis(1)).state())
        .isEqualTo("late");
    Next down = tick(HOURLY, isLate, due.plus(Duration.ofMinutes(5)));
    assertThat(down.state()).isEqualTo("down");
    assertThat(down.transitionAt()).isNull();
    // A sweep that comes late skips late: up straight to down.
    assertThat(tick(HOURLY, up, due.plus(Duration.ofHours(2))).state()).isEqualTo("down");

    Current isDown = current("down", due, null, T0);
    assertThat(tick(HOURLY, isDown, due.plus(Duration.ofDays(1))).state()).isEqualTo("down");
    Instant back = due.plus(Duration.ofMinutes(20));
    Next up2 = ping(HOURLY, isDown, ok(back));
    assertThat(up2.state()).isEqualTo("up");
    assertThat(up2.dueAt()).isEqualTo(back.plus(Duration.ofHours(1)));
    assertThat(ping(HOURLY, isLate, ok(back)).state()).isEqualTo("up");
  }

  @Test
  void fail_and_non_zero_exit_codes_are_down_at_once_and_exit_zero_is_a_success() {
    Current up = current("up", T0.plus(Duration.ofHours(1)), null, T0);
    Next fail = ping(HOURLY, up, new Ping(FAIL, null, T0.plusSeconds(60)));
    assertThat(fail.state()).isEqualTo("down");
    assertThat(fail.reason()).startsWith("a /fail ping");
    Next exit = ping(HOURLY, up, new Ping(EXIT, 3, T0.plusSeconds(60)));
    assertThat(exit.state()).isEqualTo("down");
    assertThat(exit.reason()).startsWith("exit code 3");
    Current down = current("down", null, null, T0);
    Next zero = ping(HOURLY, down, new Ping(EXIT, 0, T0.plusSeconds(120)));
    assertThat(zero.state()).isEqualTo("up");
    assertThat(zero.reason()).startsWith("exit code 0");
  }

  @Test
  void start_then_finish_measures_the_run_and_a_run_past_max_runtime_is_down() {
    Schedule s =
        new Schedule(
            Duration.ofHours(1),
            null,
            ZoneId.of("UTC"),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30));
    Instant due = T0.plus(Duration.ofHours(1));
    Current up = current("up", due, null, T0);
    Instant started = due.minusSeconds(10);
    Next running = ping(s, up, new Ping(START, null, started));
    assertThat(running.state()).isEqualTo("up");
    assertThat(running.runningSince()).isEqualTo(started);
    assertThat(running.transitionAt()).isEqualTo(started.plus(Duration.ofMinutes(30)));
    Current run = current("up", due, started, T0);
    // While it runs, being past due waits for the run.
    assertThat(tick(s, run, due.plus(Duration.ofMinutes(10))).state()).isEqualTo("up");
    Next finished = ping(s, run, ok(started.plusSeconds(95)));
    assertThat(finished.durationMs()).isEqualTo(95_000L);
    assertThat(finished.runningSince()).isNull();
    assertThat(finished.state()).isEqualTo("up");
    Next failedRun = ping(s, run, new Ping(FAIL, null, started.plusSeconds(5)));
    assertThat(failedRun.durationMs()).isEqualTo(5_000L);
    assertThat(failedRun.state()).isEqualTo("down");

    Next tooLong = tick(s, run, started.plus(Duration.ofMinutes(30)));
    assertThat(tooLong.state()).isEqualTo("down");
    assertThat(tooLong.reason()).contains("did not finish within 30 min");
    // Without a max runtime, the grace bounds the run.
    assertThat(tick(HOURLY, run, started.plus(Duration.ofMinutes(5))).state()).isEqualTo("down");
    // A start on a new monitor starts the clock too.
    Current fresh = current("new", null, started, null);
    assertThat(tick(s, fresh, started.plus(Duration.ofMinutes(30))).state()).isEqualTo("down");
  }

  @Test
  void a_paused_monitor_logs_pings_and_does_not_move() {
    Current paused = current("paused", null, null, T0);
    assertThat(ping(HOURLY, paused, ok(T0)).state()).isEqualTo("paused");
    assertThat(ping(HOURLY, paused, new Ping(FAIL, null, T0)).state()).isEqualTo("paused");
    assertThat(tick(HOURLY, paused, T0.plus(Duration.ofDays(9))).state()).isEqualTo("paused");
    assertThat(transitionAt(HOURLY, "paused", T0, null)).isNull();
  }

  @Test
  void a_cron_schedule_is_due_at_its_next_time_in_its_zone_across_the_change_to_summer_time() {
    // 02:30 every day in Oslo: on 2026-03-29 the clocks jump from 02:00 to 03:00, so that day has
    // no 02:30; the project's cron runs it in the gap's end (03:00 local = 01:00 UTC), then
    // 02:30 local (00:30 UTC) from the next day.
    Schedule s =
        new Schedule(
            null,
            CronSchedule.parse("30 2 * * *"),
            ZoneId.of("Europe/Oslo"),
            Duration.ofMinutes(10),
            null);
    Instant ping = Instant.parse("2026-03-28T01:30:05Z"); // 02:30:05 CET
    Instant due = ping(s, current("new", null, null, null), ok(ping)).dueAt();
    CronSchedule cron = CronSchedule.parse("30 2 * * *");
    assertThat(due).isEqualTo(cron.next(ping, ZoneId.of("Europe/Oslo")));
    assertThat(due).isAfter(Instant.parse("2026-03-29T00:00:00Z"));
    assertThat(due).isBefore(Instant.parse("2026-03-29T02:00:00Z"));
    Current up = current("up", due, null, ping);
    assertThat(tick(s, up, due.minusSeconds(1)).state()).isEqualTo("up");
    assertThat(tick(s, up, due.plus(Duration.ofMinutes(9))).state()).isEqualTo("late");
    assertThat(tick(s, up, due.plus(Duration.ofMinutes(10))).state()).isEqualTo("down");
    // The day after, it is due at 02:30 CEST = 00:30 UTC.
    Instant nextDay = ping(s, up, ok(due.plusSeconds(3))).dueAt();
    assertThat(nextDay).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
  }

  @Test
  void a_cron_schedule_fires_once_on_the_repeated_hour_when_summer_time_ends() {
    // 02:30 in Oslo on 2026-10-25 happens twice (CEST, then CET): one ping is expected, at the
    // first; a ping then is due again the next day, not an hour later.
    Schedule s =
        new Schedule(
            null,
            CronSchedule.parse("30 2 * * *"),
            ZoneId.of("Europe/Oslo"),
            Duration.ofMinutes(10),
            null);
    Instant first = Instant.parse("2026-10-25T00:30:00Z"); // 02:30 CEST
    Instant due = ping(s, current("up", first, null, null), ok(first.plusSeconds(5))).dueAt();
    assertThat(due).isEqualTo(Instant.parse("2026-10-26T01:30:00Z")); // 02:30 CET next day
  }

  @Test
  void a_changed_schedule_applies_from_the_last_ping() {
    Current up = current("up", T0.plus(Duration.ofHours(1)), null, T0);
    Schedule quarter =
        new Schedule(Duration.ofMinutes(15), null, ZoneId.of("UTC"), Duration.ofMinutes(5), null);
    Next late = rescheduled(quarter, up, T0.plus(Duration.ofMinutes(16)));
    assertThat(late.state()).isEqualTo("late");
    assertThat(late.dueAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    Current isLate = current("late", T0.plus(Duration.ofMinutes(15)), null, T0);
    Next back = rescheduled(HOURLY, isLate, T0.plus(Duration.ofMinutes(16)));
    assertThat(back.state()).isEqualTo("up");
    assertThat(back.reason()).contains("schedule changed");
  }

  @Test
  void durations_read_as_words() {
    assertThat(duration(Duration.ofSeconds(90))).isEqualTo("90 s");
    assertThat(duration(Duration.ofMinutes(5))).isEqualTo("5 min");
    assertThat(duration(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
    assertThat(duration(Duration.ofDays(2))).isEqualTo("2 d");
  }
}
