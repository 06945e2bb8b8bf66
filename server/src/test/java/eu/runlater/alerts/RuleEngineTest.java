package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.alerts.RuleEngine.Current;
import eu.runlater.alerts.RuleEngine.Decision;
import eu.runlater.alerts.RuleEngine.Rate;
import eu.runlater.alerts.RuleEngine.State;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The rule engine alone: triggers, recovery, re-alerts, mute, maintenance (DST included). */
class RuleEngineTest {
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  static final RuleSettings DEFAULT = RuleSettings.BUILT_IN;

  static RuleSettings with(RuleSettings override) {
    return override.over(DEFAULT);
  }

  static RuleSettings trigger(String trigger) {
    return with(
        new RuleSettings(
            trigger, null, null, null, null, null, null, null, null, null, null, null, null, null));
  }

  static Current open(boolean announced, Instant lastAlert) {
    return new Current(State.OPEN, 1, announced, lastAlert);
  }

  @Test
  void the_first_failure_opens_and_announces() {
    Decision d = RuleEngine.outcome(Current.NONE, DEFAULT, false, Rate.UNKNOWN, false);
    assertThat(d).isEqualTo(new Decision(State.OPEN, true, Decision.OPENED));
  }

  @Test
  void further_failures_keep_the_incident_without_telling_again() {
    Decision d =
        RuleEngine.outcome(open(true, NOW.minusSeconds(5)), DEFAULT, false, Rate.UNKNOWN, false);
    assertThat(d).isEqualTo(new Decision(State.OPEN, true, null));
  }

  @Test
  void a_success_of_something_fine_does_nothing() {
    Decision d = RuleEngine.outcome(Current.NONE, DEFAULT, true, Rate.UNKNOWN, false);
    assertThat(d).isEqualTo(new Decision(State.NONE, false, null));
  }

  @Test
  void n_consecutive_failures_count_while_pending_and_open_at_the_nth() {
    RuleSettings rule = trigger(RuleSettings.CONSECUTIVE); // 3 by default
    Decision first = RuleEngine.outcome(Current.NONE, rule, false, Rate.UNKNOWN, false);
    assertThat(first.state()).isEqualTo(State.PENDING);
    assertThat(first.tell()).isNull();
    Decision second =
        RuleEngine.outcome(
            new Current(State.PENDING, 1, false, null), rule, false, Rate.UNKNOWN, false);
    assertThat(second.state()).isEqualTo(State.PENDING);
    Decision third =
        RuleEngine.outcome(
            new Current(State.PENDING, 2, false, null), rule, false, Rate.UNKNOWN, false);
    assertThat(third).isEqualTo(new Decision(State.OPEN, true, Decision.OPENED));
  }

  @Test
  void a_success_between_failures_resets_the_count_silently() {
    RuleSettings rule = trigger(RuleSettings.CONSECUTIVE);
    Decision d =
        RuleEngine.outcome(
            new Current(State.PENDING, 2, false, null), rule, true, Rate.UNKNOWN, false);
    assertThat(d).isEqualTo(new Decision(State.NONE, false, null));
  }

  @Test
  void the_failure_rate_opens_at_the_threshold_with_enough_runs() {
    RuleSettings rule = trigger(RuleSettings.FAILURE_RATE); // 50 % of at least 5 runs
    assertThat(RuleEngine.outcome(Current.NONE, rule, false, new Rate(4, 4), false).state())
        .isEqualTo(State.PENDING);
    assertThat(RuleEngine.outcome(Current.NONE, rule, false, new Rate(10, 4), false).state())
        .isEqualTo(State.PENDING);
    assertThat(RuleEngine.outcome(Current.NONE, rule, false, new Rate(10, 5), false))
        .isEqualTo(new Decision(State.OPEN, true, Decision.OPENED));
  }

  @Test
  void the_failure_rate_recovers_once_it_falls_below_the_threshold() {
    RuleSettings rule = trigger(RuleSettings.FAILURE_RATE);
    Current open = open(true, NOW);
    assertThat(RuleEngine.outcome(open, rule, true, new Rate(10, 6), false))
        .isEqualTo(new Decision(State.OPEN, true, null));
    assertThat(RuleEngine.outcome(open, rule, true, new Rate(10, 4), false))
        .isEqualTo(new Decision(State.NONE, false, Decision.RECOVERED));
  }

  @Test
  void recovery_is_told_only_for_an_announced_incident_and_when_on() {
    assertThat(RuleEngine.outcome(open(true, NOW), DEFAULT, true, Rate.UNKNOWN, false).tell())
        .isEqualTo(Decision.RECOVERED);
    assertThat(RuleEngine.outcome(open(false, null), DEFAULT, true, Rate.UNKNOWN, false).tell())
        .isNull();
    RuleSettings off =
        with(
            new RuleSettings(
                null, null, null, null, null, false, null, null, null, null, null, null, null,
                null));
    Decision d = RuleEngine.outcome(open(true, NOW), off, true, Rate.UNKNOWN, false);
    assertThat(d).isEqualTo(new Decision(State.NONE, false, null));
  }

  @Test
  void re_alerts_come_every_interval_while_open_and_announced() {
    RuleSettings rule =
        with(
            new RuleSettings(
                null,
                null,
                null,
                null,
                null,
                null,
                Duration.ofHours(1),
                null,
                null,
                null,
                null,
                null,
                null,
                null));
    assertThat(RuleEngine.reminderDue(open(true, NOW.minusSeconds(3599)), rule, false, NOW))
        .isFalse();
    assertThat(RuleEngine.reminderDue(open(true, NOW.minusSeconds(3600)), rule, false, NOW))
        .isTrue();
    assertThat(RuleEngine.reminderDue(open(false, null), rule, false, NOW)).isFalse();
    assertThat(RuleEngine.reminderDue(open(true, NOW.minusSeconds(7200)), rule, true, NOW))
        .as("quiet")
        .isFalse();
    assertThat(RuleEngine.reminderDue(open(true, NOW.minusSeconds(7200)), DEFAULT, false, NOW))
        .as("re-alert off by default")
        .isFalse();
  }

  @Test
  void muted_failures_are_tracked_and_announced_at_the_next_failure_after_the_mute() {
    RuleSettings muted =
        with(
            new RuleSettings(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                NOW.plusSeconds(60),
                null,
                null,
                null,
                null,
                null,
                null));
    assertThat(muted.mutedAt(NOW)).isTrue();
    Decision during =
        RuleEngine.outcome(Current.NONE, muted, false, Rate.UNKNOWN, muted.mutedAt(NOW));
    assertThat(during).isEqualTo(new Decision(State.OPEN, false, null));
    Instant later = NOW.plusSeconds(61);
    Decision after =
        RuleEngine.outcome(
            new Current(State.OPEN, 1, false, null),
            muted,
            false,
            Rate.UNKNOWN,
            muted.mutedAt(later));
    assertThat(after).isEqualTo(new Decision(State.OPEN, true, Decision.OPENED));
  }

  @Test
  void muted_forever_stays_quiet_and_never_unmutes_against_a_muted_default() {
    RuleSettings forever =
        with(
            new RuleSettings(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Instant.MAX,
                null,
                null,
                null,
                null,
                null,
                null));
    assertThat(forever.mutedAt(NOW.plus(Duration.ofDays(3650)))).isTrue();
    RuleSettings unmuted =
        new RuleSettings(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Instant.EPOCH,
                null,
                null,
                null,
                null,
                null,
                null)
            .over(forever);
    assertThat(unmuted.mutedAt(NOW)).isFalse();
  }

  @Test
  void a_recovery_while_quiet_is_not_told() {
    Decision d = RuleEngine.outcome(open(true, NOW), DEFAULT, true, Rate.UNKNOWN, true);
    assertThat(d).isEqualTo(new Decision(State.NONE, false, null));
  }

  @Test
  void usage_like_conditions_close_without_a_notice_when_asked() {
    Decision opened = RuleEngine.condition(Current.NONE, DEFAULT, true, false, false);
    assertThat(opened).isEqualTo(new Decision(State.OPEN, true, Decision.OPENED));
    assertThat(RuleEngine.condition(open(true, NOW), DEFAULT, false, false, false))
        .isEqualTo(new Decision(State.NONE, false, null));
    assertThat(RuleEngine.condition(open(true, NOW), DEFAULT, false, false, true).tell())
        .isEqualTo(Decision.RECOVERED);
  }

  static MaintenanceWindows.Window recurring(String cron, String zone, Duration duration) {
    return new MaintenanceWindows.Window(
        UUID.randomUUID(), "nightly", null, null, cron, zone, duration, null, false, NOW);
  }

  @Test
  void a_one_off_window_is_on_from_its_start_until_its_end() {
    MaintenanceWindows.Window w =
        new MaintenanceWindows.Window(
            UUID.randomUUID(),
            "upgrade",
            NOW,
            NOW.plusSeconds(3600),
            null,
            null,
            null,
            null,
            false,
            NOW);
    assertThat(MaintenanceWindows.startOfActive(w, NOW.minusSeconds(1))).isNull();
    assertThat(MaintenanceWindows.startOfActive(w, NOW)).isEqualTo(NOW);
    assertThat(MaintenanceWindows.startOfActive(w, NOW.plusSeconds(3599))).isEqualTo(NOW);
    assertThat(MaintenanceWindows.startOfActive(w, NOW.plusSeconds(3600))).isNull();
  }

  @Test
  void a_recurring_window_starts_after_the_gap_when_spring_forward_skips_its_start() {
    // 02:30 every night in Oslo, for an hour. On 2026-03-29 clocks go 02:00 CET -> 03:00 CEST:
    // 02:30 does not exist, so the window starts at 03:00 CEST (01:00Z) and lasts to 02:00Z.
    MaintenanceWindows.Window w = recurring("30 2 * * *", "Europe/Oslo", Duration.ofHours(1));
    assertThat(MaintenanceWindows.startOfActive(w, Instant.parse("2026-03-28T01:45:00Z")))
        .as("the night before: 02:30 CET is 01:30Z")
        .isEqualTo(Instant.parse("2026-03-28T01:30:00Z"));
    assertThat(MaintenanceWindows.startOfActive(w, Instant.parse("2026-03-29T00:59:00Z"))).isNull();
    assertThat(MaintenanceWindows.startOfActive(w, Instant.parse("2026-03-29T01:30:00Z")))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    assertThat(MaintenanceWindows.startOfActive(w, Instant.parse("2026-03-29T02:00:00Z"))).isNull();
    assertThat(MaintenanceWindows.startOfActive(w, Instant.parse("2026-03-30T00:45:00Z")))
        .as("the night after: 02:30 CEST is 00:30Z")
        .isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
  }

  @Test
  void a_recurring_window_starts_once_when_fall_back_repeats_its_start() {
    // On 2026-10-25 clocks go 03:00 CEST -> 02:00 CET: 02:30 happens at 00:30Z and at 01:30Z.
    // The window starts once, at the first; the repeated 02:30 starts nothing.
    MaintenanceWindows.Window w = recurring("30 2 * * *", "Europe/Oslo", Duration.ofHours(1));
    assertThat(MaintenanceWindows.startOfActive(w, Instant.parse("2026-10-25T01:00:00Z")))
        .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(MaintenanceWindows.startOfActive(w, Instant.parse("2026-10-25T01:45:00Z"))).isNull();
    assertThat(MaintenanceWindows.at(w, Instant.parse("2026-10-25T01:45:00Z")).nextStart())
        .isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void window_input_is_checked_field_by_field() {
    var bad =
        new MaintenanceWindows.WindowInput(
            "", null, null, "61 * * * *", "Mars/Olympus", Duration.ofDays(8));
    try {
      MaintenanceWindows.check(bad);
      throw new AssertionError("accepted");
    } catch (eu.runlater.platform.errors.ApiProblem e) {
      assertThat(e.errors())
          .extracting(eu.runlater.platform.errors.FieldError::field)
          .containsExactlyInAnyOrder("name", "cron", "time_zone", "duration_seconds");
    }
    var backwards =
        new MaintenanceWindows.WindowInput("x", NOW, NOW.minusSeconds(1), null, null, null);
    try {
      MaintenanceWindows.check(backwards);
      throw new AssertionError("accepted");
    } catch (eu.runlater.platform.errors.ApiProblem e) {
      assertThat(e.errors())
          .extracting(eu.runlater.platform.errors.FieldError::field)
          .containsExactly("ends_at");
    }
  }

  @Test
  void headlines_say_it_all() {
    assertThat(GroupMessages.words(Duration.ofMinutes(14))).isEqualTo("14 min");
    assertThat(GroupMessages.words(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(GroupMessages.words(Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
  }
}
