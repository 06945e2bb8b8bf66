package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.cron.CronSchedule;
import eu.runlater.engine.TaskEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link CronOccurrences#plan}, the pure part of the claim hook: which occurrence runs and which
 * comes next when a claim finds later occurrences already past (catch-up), across DST. The overlap
 * policies need a run in flight, so CronPoliciesTest covers them on the database.
 */
class CronPlanTest {
  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId OSLO = ZoneId.of("Europe/Oslo");

  private final List<TaskEvent> events = new ArrayList<>();

  private static Job job(Policies.CatchUp catchUp, Schedule.Cron cron) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new Job(
        UUID.randomUUID(),
        UUID.randomUUID(),
        null,
        "j",
        cron,
        new JobRequest(
            "https://example.com", "GET", List.of(), null, List.of(), null, false, 30_000),
        0,
        true,
        catchUp,
        Policies.Overlap.ALLOW,
        null,
        t,
        t,
        t);
  }

  private static Schedule.Cron cron(String expression, ZoneId zone) {
    return new Schedule.Cron(CronSchedule.parse(expression), zone);
  }

  private CronOccurrences.Plan plan(
      Policies.CatchUp catchUp, Schedule.Cron cron, String occurrence, String now) {
    return CronOccurrences.plan(
        job(catchUp, cron), cron, Instant.parse(occurrence), Instant.parse(now), events);
  }

  private List<Instant> missed() {
    return events.stream()
        .filter(e -> e.status().equals(TaskEvent.MISSED))
        .map(TaskEvent::scheduledFor)
        .toList();
  }

  private static List<Instant> instants(String... values) {
    return java.util.Arrays.stream(values).map(Instant::parse).toList();
  }

  @Test
  void an_occurrence_claimed_before_the_next_is_due_runs_at_its_time_whatever_the_policy() {
    Schedule.Cron hourly = cron("0 * * * *", UTC);
    for (Policies.CatchUp policy : Policies.CatchUp.values()) {
      var plan = plan(policy, hourly, "2026-05-01T10:00:00Z", "2026-05-01T10:59:59Z");
      assertThat(plan.run()).as("%s", policy).isEqualTo(Instant.parse("2026-05-01T10:00:00Z"));
      assertThat(plan.next()).as("%s", policy).isEqualTo(Instant.parse("2026-05-01T11:00:00Z"));
    }
    assertThat(events).isEmpty();
  }

  @Test
  void catch_up_latest_runs_the_most_recent_and_records_the_others_as_missed() {
    var plan =
        plan(
            Policies.CatchUp.LATEST,
            cron("0 * * * *", UTC),
            "2026-05-01T10:00:00Z",
            "2026-05-01T13:30:00Z");
    assertThat(plan.run()).isEqualTo(Instant.parse("2026-05-01T13:00:00Z"));
    assertThat(plan.next()).isEqualTo(Instant.parse("2026-05-01T14:00:00Z"));
    assertThat(missed())
        .isEqualTo(
            instants("2026-05-01T10:00:00Z", "2026-05-01T11:00:00Z", "2026-05-01T12:00:00Z"));
    assertThat(events)
        .allSatisfy(e -> assertThat(e.reason()).endsWith("(catch_up: latest)"))
        .allSatisfy(e -> assertThat(e.url()).isEqualTo("https://example.com"));
  }

  @Test
  void catch_up_none_runs_nothing_and_records_every_passed_occurrence() {
    var plan =
        plan(
            Policies.CatchUp.NONE,
            cron("0 * * * *", UTC),
            "2026-05-01T10:00:00Z",
            "2026-05-01T12:00:00Z");
    assertThat(plan.run()).isNull();
    assertThat(plan.next()).isEqualTo(Instant.parse("2026-05-01T13:00:00Z"));
    assertThat(missed())
        .isEqualTo(
            instants("2026-05-01T10:00:00Z", "2026-05-01T11:00:00Z", "2026-05-01T12:00:00Z"));
    assertThat(events).allSatisfy(e -> assertThat(e.reason()).endsWith("(catch_up: none)"));
  }

  @Test
  void catch_up_all_runs_each_passed_occurrence_in_turn_then_continues_from_now() {
    Schedule.Cron hourly = cron("0 * * * *", UTC);
    Instant now = Instant.parse("2026-05-01T13:30:00Z");
    List<Instant> ran = new ArrayList<>();
    Instant occurrence = Instant.parse("2026-05-01T10:00:00Z");
    // Each claim runs one and makes the next passed occurrence pending, due at once.
    while (!occurrence.isAfter(now)) {
      var plan = plan(Policies.CatchUp.ALL, hourly, occurrence.toString(), now.toString());
      ran.add(plan.run());
      occurrence = plan.next();
    }
    assertThat(ran)
        .isEqualTo(
            instants(
                "2026-05-01T10:00:00Z",
                "2026-05-01T11:00:00Z",
                "2026-05-01T12:00:00Z",
                "2026-05-01T13:00:00Z"));
    assertThat(occurrence).isEqualTo(Instant.parse("2026-05-01T14:00:00Z"));
    assertThat(events).isEmpty();
  }

  @Test
  void catch_up_all_runs_the_latest_hundred_and_records_older_ones_as_missed() {
    Instant first = Instant.parse("2026-05-01T00:00:00Z");
    Instant now = first.plus(Duration.ofMinutes(149)); // 150 occurrences have passed
    var plan = plan(Policies.CatchUp.ALL, cron("* * * * *", UTC), first.toString(), now.toString());
    Instant oldestRun = now.minus(Duration.ofMinutes(CronOccurrences.CATCH_UP_ALL - 1));
    assertThat(plan.run()).isEqualTo(oldestRun);
    assertThat(plan.next()).isEqualTo(oldestRun.plus(Duration.ofMinutes(1)));
    assertThat(missed()).hasSize(50).first().isEqualTo(first);
    assertThat(missed().getLast()).isEqualTo(oldestRun.minus(Duration.ofMinutes(1)));
    assertThat(events.getFirst().reason()).contains("catch_up: all, beyond the latest 100");
  }

  @Test
  void a_long_outage_records_a_thousand_missed_occurrences_and_one_entry_for_the_rest() {
    Instant first = Instant.parse("2026-05-01T00:00:00Z");
    Instant now = first.plus(Duration.ofMinutes(1_499)); // 1,500 occurrences
    var plan =
        plan(Policies.CatchUp.NONE, cron("* * * * *", UTC), first.toString(), now.toString());
    assertThat(plan.run()).isNull();
    assertThat(events).hasSize(CronOccurrences.MISSED_RECORDED + 1);
    TaskEvent rest = events.getLast();
    assertThat(rest.status()).isEqualTo(TaskEvent.MISSED);
    assertThat(rest.scheduledFor()).isEqualTo(now);
    assertThat(rest.reason())
        .startsWith("missed: 500 more occurrences from " + first.plus(Duration.ofMinutes(1_000)))
        .endsWith("to " + now + " (catch_up: none)");
  }

  @Test
  void a_time_skipped_by_spring_forward_is_caught_up_at_the_end_of_the_gap() {
    // 02:30 does not exist in Oslo on 29 March 2026: that day's run is at 03:00 CEST (01:00Z).
    var plan =
        plan(
            Policies.CatchUp.LATEST,
            cron("30 2 * * *", OSLO),
            "2026-03-28T01:30:00Z",
            "2026-03-29T12:00:00Z");
    assertThat(plan.run()).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    assertThat(plan.next()).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
    assertThat(missed()).isEqualTo(instants("2026-03-28T01:30:00Z"));
  }

  @Test
  void across_fall_back_a_fixed_hour_time_is_missed_once_and_an_every_hour_time_twice() {
    // 02:30 happens twice in Oslo on 25 October 2026: at 00:30Z (CEST) and 01:30Z (CET).
    plan(
        Policies.CatchUp.NONE,
        cron("30 2 * * *", OSLO),
        "2026-10-24T00:30:00Z",
        "2026-10-25T12:00:00Z");
    assertThat(missed()).isEqualTo(instants("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z"));

    events.clear();
    var plan =
        plan(
            Policies.CatchUp.NONE,
            cron("30 * * * *", OSLO),
            "2026-10-24T23:30:00Z",
            "2026-10-25T02:00:00Z");
    assertThat(missed())
        .isEqualTo(
            instants(
                "2026-10-24T23:30:00Z", // 01:30 CEST
                "2026-10-25T00:30:00Z", // 02:30 CEST
                "2026-10-25T01:30:00Z")); // 02:30 CET
    assertThat(plan.next()).isEqualTo(Instant.parse("2026-10-25T02:30:00Z"));
  }

  @Test
  void a_leap_day_schedule_plans_its_next_run_four_years_on() {
    var leap =
        plan(
            Policies.CatchUp.LATEST,
            cron("0 0 29 2 *", UTC),
            "2028-02-29T00:00:00Z",
            "2028-02-29T00:00:01Z");
    assertThat(leap.next()).isEqualTo(Instant.parse("2032-02-29T00:00:00Z"));
  }
}
