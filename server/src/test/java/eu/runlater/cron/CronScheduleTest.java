package eu.runlater.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing, field semantics, and the documented DST rules on the zones that test them. */
class CronScheduleTest {
  static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");
  static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

  private static List<Instant> runs(String expr, String after, ZoneId zone, int n) {
    return CronSchedule.parse(expr).next(Instant.parse(after), zone, n);
  }

  private static List<Instant> instants(String... values) {
    return java.util.Arrays.stream(values).map(Instant::parse).toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''                | empty
          * * * *           | 4 fields
          * * * * * * *     | 7 fields
          60 * * * *        | minute field '60': 60 is out of range 0-59
          * 24 * * *        | hour field '24'
          * * 0 * *         | day-of-month field '0'
          * * * 13 *        | month field '13'
          * * * FOO *       | month field 'FOO'
          * * * * 8         | day-of-week field '8'
          5-1 * * * *       | runs backwards
          */0 * * * *       | minute field '*/0'
          1,,2 * * * *      | empty list item
          0 0 30 2 *        | never fires
          @fortnightly      | unknown macro
          0 0 L-29 2 *      | never fires
          0 0 31W 4 *       | never fires
          0 0 L * L         | day-of-week field 'L': L needs a day before it
          0 0 * * 1#6       | 6 is out of range 1-5
          0 0 32W * *       | 32 is out of range 1-31
          0 0 L-31 * *      | 31 is out of range 0-30
          0 0 1X * *        | day-of-month field '1X'
          0 0 * * 1-5L      | day-of-week field '1-5L'
          """)
  void invalid_expressions_are_refused_naming_the_field_and_the_problem(
      String expression, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(expression))
        .isInstanceOf(CronParseException.class)
        .hasMessageContaining(message);
  }

  @Test
  void names_macros_ranges_steps_and_lists_work() {
    assertThat(runs("0 9 * * MON-FRI", "2026-11-20T10:00:00Z", ZoneOffset.UTC, 3))
        .isEqualTo(
            instants("2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z", "2026-11-25T09:00:00Z"));
    assertThat(runs("@monthly", "2026-11-20T10:00:00Z", ZoneOffset.UTC, 2))
        .isEqualTo(instants("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    assertThat(runs("@hourly", "2026-11-20T10:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2026-11-20T11:00:00Z"));
    assertThat(runs("10-20/5,45 * * * *", "2026-11-20T10:00:00Z", ZoneOffset.UTC, 4))
        .isEqualTo(
            instants(
                "2026-11-20T10:10:00Z",
                "2026-11-20T10:15:00Z",
                "2026-11-20T10:20:00Z",
                "2026-11-20T10:45:00Z"));
    assertThat(runs("0 0 1 JAN,jul *", "2026-11-20T10:00:00Z", ZoneOffset.UTC, 2))
        .isEqualTo(instants("2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"));
    // Sunday is 0 and 7.
    assertThat(runs("0 0 * * 7", "2026-11-20T10:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2026-11-22T00:00:00Z"));
  }

  @Test
  void the_last_day_and_days_before_it() {
    assertThat(runs("0 0 L * *", "2027-01-15T00:00:00Z", ZoneOffset.UTC, 4))
        .isEqualTo(
            instants(
                "2027-01-31T00:00:00Z",
                "2027-02-28T00:00:00Z",
                "2027-03-31T00:00:00Z",
                "2027-04-30T00:00:00Z"));
    assertThat(runs("0 0 L 2 *", "2027-03-01T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2028-02-29T00:00:00Z"));
    assertThat(runs("0 0 L-3 * *", "2027-01-01T00:00:00Z", ZoneOffset.UTC, 3))
        .isEqualTo(
            instants("2027-01-28T00:00:00Z", "2027-02-25T00:00:00Z", "2027-03-28T00:00:00Z"));
    assertThat(runs("0 0 1,L * *", "2027-01-15T00:00:00Z", ZoneOffset.UTC, 2))
        .isEqualTo(instants("2027-01-31T00:00:00Z", "2027-02-01T00:00:00Z"));
  }

  @Test
  void the_nearest_weekday_stays_in_its_month() {
    // 15 May 2027 is a Saturday: the Friday before; 15 August a Sunday: the Monday after.
    assertThat(runs("0 9 15W * *", "2027-05-01T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2027-05-14T09:00:00Z"));
    assertThat(runs("0 9 15W * *", "2027-08-01T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2027-08-16T09:00:00Z"));
    // 1 May 2027 is a Saturday: the Monday after, not the Friday in April.
    assertThat(runs("0 9 1W * *", "2027-04-30T12:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2027-05-03T09:00:00Z"));
    // The last weekday: 31 October 2027 is a Sunday, 28 February a Sunday.
    assertThat(runs("0 9 LW * *", "2027-10-01T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2027-10-29T09:00:00Z"));
    assertThat(runs("0 9 LW * *", "2027-02-01T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2027-02-26T09:00:00Z"));
    // The 31st has no nearest weekday in a 30-day month.
    assertThat(runs("0 9 31W * *", "2027-04-01T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2027-05-31T09:00:00Z"));
  }

  @Test
  void the_nth_and_the_last_weekday_of_the_month() {
    assertThat(runs("0 9 * * 1#1", "2027-02-15T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2027-03-01T09:00:00Z"));
    assertThat(runs("0 0 * * FRI#5", "2027-01-01T00:00:00Z", ZoneOffset.UTC, 3))
        .isEqualTo(
            instants("2027-01-29T00:00:00Z", "2027-04-30T00:00:00Z", "2027-07-30T00:00:00Z"));
    assertThat(runs("0 0 * * 5L", "2027-01-01T00:00:00Z", ZoneOffset.UTC, 2))
        .isEqualTo(instants("2027-01-29T00:00:00Z", "2027-02-26T00:00:00Z"));
    assertThat(runs("0 0 * * 1#1,5L", "2027-01-01T00:00:00Z", ZoneOffset.UTC, 3))
        .isEqualTo(
            instants("2027-01-04T00:00:00Z", "2027-01-29T00:00:00Z", "2027-02-01T00:00:00Z"));
  }

  @Test
  void calendar_days_on_clock_change_days_follow_the_dst_rules() {
    // Oslo's changes in 2027 are on the last Sundays of March and October.
    assertThat(runs("30 2 * * 0L", "2027-03-01T00:00:00Z", OSLO, 2))
        .isEqualTo(instants("2027-03-28T01:00:00Z", "2027-04-25T00:30:00Z"));
    assertThat(runs("30 2 * * SUNL", "2027-10-01T00:00:00Z", OSLO, 1))
        .isEqualTo(instants("2027-10-31T00:30:00Z"));
    assertThat(runs("30 2 L-3 3 *", "2027-03-01T00:00:00Z", OSLO, 1))
        .isEqualTo(instants("2027-03-28T01:00:00Z"));
    assertThat(runs("*/30 2 L-3 3 *", "2027-03-01T00:00:00Z", OSLO, 1))
        .isEqualTo(instants("2027-03-28T01:00:00Z"));
    // New York's are on the second Sunday of March and the first of November.
    assertThat(runs("30 2 * * 0#2", "2027-03-01T00:00:00Z", NEW_YORK, 1))
        .isEqualTo(instants("2027-03-14T07:00:00Z"));
    assertThat(runs("30 1 * * SUN#1", "2027-11-01T00:00:00Z", NEW_YORK, 1))
        .isEqualTo(instants("2027-11-07T05:30:00Z"));
    // Cairo springs forward at midnight on the last Friday of April: 00:30 on 30 April 2027 is
    // skipped, so the last weekday, the last Friday and Friday-to-Sunday run at 01:00 EEST.
    ZoneId cairo = ZoneId.of("Africa/Cairo");
    for (String expression : List.of("30 0 LW 4 *", "30 0 * 4 5L", "30 0 * 4 FRI-SUN")) {
      assertThat(runs(expression, "2027-04-29T00:00:00Z", cairo, 1))
          .as(expression)
          .isEqualTo(instants("2027-04-29T22:00:00Z"));
    }
    assertThat(runs("30 0 30W 4 *", "2027-04-29T00:00:00Z", cairo, 1))
        .isEqualTo(instants("2027-04-29T22:00:00Z"));
    // Every-hour schedules on those days keep to elapsed time: both passes of 01:30.
    assertThat(runs("30 * * * SUN#1", "2027-11-07T05:00:00Z", NEW_YORK, 2))
        .isEqualTo(instants("2027-11-07T05:30:00Z", "2027-11-07T06:30:00Z"));
  }

  @Test
  void weekday_and_month_ranges_by_name_wrap_around() {
    assertThat(runs("0 0 * * FRI-SUN", "2027-01-04T00:00:00Z", ZoneOffset.UTC, 4))
        .isEqualTo(
            instants(
                "2027-01-08T00:00:00Z",
                "2027-01-09T00:00:00Z",
                "2027-01-10T00:00:00Z",
                "2027-01-15T00:00:00Z"));
    assertThat(runs("0 0 * * SAT-MON", "2027-01-04T00:00:00Z", ZoneOffset.UTC, 4))
        .isEqualTo(
            instants(
                "2027-01-09T00:00:00Z",
                "2027-01-10T00:00:00Z",
                "2027-01-11T00:00:00Z",
                "2027-01-16T00:00:00Z"));
    assertThat(runs("0 0 1 NOV-FEB *", "2027-03-01T00:00:00Z", ZoneOffset.UTC, 5))
        .isEqualTo(
            instants(
                "2027-11-01T00:00:00Z",
                "2027-12-01T00:00:00Z",
                "2028-01-01T00:00:00Z",
                "2028-02-01T00:00:00Z",
                "2028-11-01T00:00:00Z"));
  }

  @Test
  void runs_are_found_however_far_ahead_they_are() {
    // Leap days: 2100 is not a leap year, so after 2096 the next is 2104.
    assertThat(runs("0 0 29 2 *", "2096-03-01T00:00:00Z", ZoneOffset.UTC, 1))
        .isEqualTo(instants("2104-02-29T00:00:00Z"));
    // Odd-numbered February days (1 or 29) that are Mondays.
    assertThat(runs("0 0 */28 2 1", "2026-12-01T00:00:00Z", ZoneOffset.UTC, 4))
        .isEqualTo(
            instants(
                "2027-02-01T00:00:00Z",
                "2038-02-01T00:00:00Z",
                "2044-02-01T00:00:00Z",
                "2044-02-29T00:00:00Z"));
    // A leap day on a Sunday (*/7 is 0 and 7): every 28 years, until a century breaks the cycle.
    assertThat(runs("0 0 29 2 */7", "2026-01-01T00:00:00Z", ZoneOffset.UTC, 5))
        .isEqualTo(
            instants(
                "2032-02-29T00:00:00Z",
                "2060-02-29T00:00:00Z",
                "2088-02-29T00:00:00Z",
                "2128-02-29T00:00:00Z",
                "2156-02-29T00:00:00Z"));
    // A fifth Monday in February: only in a leap year that starts February on a Monday.
    assertThat(runs("0 0 * 2 MON#5", "2026-01-01T00:00:00Z", ZoneOffset.UTC, 2))
        .isEqualTo(instants("2044-02-29T00:00:00Z", "2072-02-29T00:00:00Z"));
    assertThat(runs("0 0 29 2 */7", "2026-01-01T00:00:00Z", OSLO, 1))
        .isEqualTo(instants("2032-02-28T23:00:00Z"));
  }

  @Test
  void a_leading_seconds_field_gives_sub_minute_schedules() {
    CronSchedule s = CronSchedule.parse("*/15 * * * * *");
    assertThat(s.hasSeconds()).isTrue();
    assertThat(s.next(Instant.parse("2026-11-20T10:00:07Z"), ZoneOffset.UTC, 3))
        .isEqualTo(
            instants("2026-11-20T10:00:15Z", "2026-11-20T10:00:30Z", "2026-11-20T10:00:45Z"));
  }

  @Test
  void when_both_day_fields_are_restricted_either_matches() {
    // The 13th, and every Friday.
    assertThat(runs("0 0 13 * FRI", "2026-11-01T00:00:00Z", ZoneOffset.UTC, 4))
        .isEqualTo(
            instants(
                "2026-11-06T00:00:00Z",
                "2026-11-13T00:00:00Z",
                "2026-11-20T00:00:00Z",
                "2026-11-27T00:00:00Z"));
    // A starred day field restricts nothing: every 2nd day that is a Monday.
    assertThat(runs("0 0 */2 * MON", "2026-11-01T00:00:00Z", ZoneOffset.UTC, 2))
        .isEqualTo(instants("2026-11-09T00:00:00Z", "2026-11-23T00:00:00Z"));
  }

  /** The README's examples of the day rule, over all of 2027. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0 0 */2 * MON | odd Monday
          0 0 * * 5L    | last Friday
          0 0 13 * FRI  | 13th or Friday
          0 0 1,15 * MON| 1st, 15th or Monday
          0 9 1-7 * 1   | 1st to 7th or Monday
          0 9 * * 1#1   | first Monday
          """)
  void the_documented_day_rule_examples_run_on_the_days_they_say(String expression, String rule) {
    java.util.function.Predicate<java.time.LocalDate> days =
        switch (rule) {
          case "odd Monday" -> d -> d.getDayOfMonth() % 2 == 1 && d.getDayOfWeek().getValue() == 1;
          case "last Friday" ->
              d ->
                  d.getDayOfWeek().getValue() == 5
                      && d.plusWeeks(1).getMonthValue() != d.getMonthValue();
          case "13th or Friday" -> d -> d.getDayOfMonth() == 13 || d.getDayOfWeek().getValue() == 5;
          case "1st, 15th or Monday" ->
              d ->
                  d.getDayOfMonth() == 1
                      || d.getDayOfMonth() == 15
                      || d.getDayOfWeek().getValue() == 1;
          case "1st to 7th or Monday" ->
              d -> d.getDayOfMonth() <= 7 || d.getDayOfWeek().getValue() == 1;
          case "first Monday" -> d -> d.getDayOfMonth() <= 7 && d.getDayOfWeek().getValue() == 1;
          default -> throw new IllegalArgumentException(rule);
        };
    List<java.time.LocalDate> expected =
        java.time.LocalDate.of(2027, 1, 1)
            .datesUntil(java.time.LocalDate.of(2028, 1, 1))
            .filter(days)
            .toList();
    List<java.time.LocalDate> actual =
        CronSchedule.parse(expression)
            .between(
                Instant.parse("2026-12-31T23:59:59Z"),
                Instant.parse("2027-12-31T23:59:59Z"),
                ZoneOffset.UTC,
                400)
            .stream()
            .map(t -> t.atOffset(ZoneOffset.UTC).toLocalDate())
            .toList();
    assertThat(actual).as(expression).isEqualTo(expected);
  }

  @Test
  void oslo_spring_forward_runs_a_skipped_time_once_at_the_end_of_the_gap() {
    // 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    assertThat(runs("30 2 * * *", "2026-03-28T12:00:00Z", OSLO, 2))
        .isEqualTo(instants("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"));
    // Two skipped times collapse into one run.
    assertThat(runs("0,30 2 * * *", "2026-03-28T12:00:00Z", OSLO, 2))
        .isEqualTo(instants("2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"));
  }

  @Test
  void oslo_fall_back_runs_a_repeated_time_once_at_its_first_occurrence() {
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
    assertThat(runs("30 2 * * *", "2026-10-24T12:00:00Z", OSLO, 2))
        .isEqualTo(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
  }

  @Test
  void oslo_intervals_stay_regular_across_both_changes() {
    List<Instant> spring = runs("*/20 * * * *", "2026-03-29T00:00:00Z", OSLO, 4);
    assertThat(spring)
        .isEqualTo(
            instants(
                "2026-03-29T00:20:00Z",
                "2026-03-29T00:40:00Z",
                "2026-03-29T01:00:00Z",
                "2026-03-29T01:20:00Z"));
    List<Instant> fall = runs("*/20 * * * *", "2026-10-25T00:00:00Z", OSLO, 7);
    for (int i = 1; i < fall.size(); i++) {
      assertThat(java.time.Duration.between(fall.get(i - 1), fall.get(i))).hasMinutes(20);
    }
    // Both passes of the repeated hour run.
    assertThat(fall)
        .contains(Instant.parse("2026-10-25T00:40:00Z"), Instant.parse("2026-10-25T01:40:00Z"));
  }

  @Test
  void new_york_follows_the_same_rules() {
    // 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC); 2026-11-01 02:00 EDT -> 01:00 EST.
    assertThat(runs("15 2 * * *", "2026-03-07T12:00:00Z", NEW_YORK, 2))
        .isEqualTo(instants("2026-03-08T07:00:00Z", "2026-03-09T06:15:00Z"));
    assertThat(runs("15 1 * * *", "2026-10-31T12:00:00Z", NEW_YORK, 2))
        .isEqualTo(instants("2026-11-01T05:15:00Z", "2026-11-02T06:15:00Z"));
    List<Instant> fall = runs("*/30 * * * *", "2026-11-01T04:50:00Z", NEW_YORK, 5);
    assertThat(fall)
        .isEqualTo(
            instants(
                "2026-11-01T05:00:00Z",
                "2026-11-01T05:30:00Z",
                "2026-11-01T06:00:00Z",
                "2026-11-01T06:30:00Z",
                "2026-11-01T07:00:00Z"));
  }

  @Test
  void lord_howe_shifts_by_thirty_minutes() {
    // 2026-10-04 02:00 +10:30 -> 02:30 +11:00 (15:30 UTC on the 3rd).
    assertThat(runs("15 2 * * *", "2026-10-03T00:00:00Z", LORD_HOWE, 2))
        .isEqualTo(instants("2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"));
    List<Instant> spring = runs("*/5 * * * *", "2026-10-03T15:20:00Z", LORD_HOWE, 3);
    assertThat(spring)
        .isEqualTo(
            instants("2026-10-03T15:25:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:35:00Z"));
    // 2026-04-05 02:00 +11:00 -> 01:30 +10:30: 01:45 repeats; fixed-hour runs once, first pass.
    assertThat(runs("45 1 * * *", "2026-04-04T12:00:00Z", LORD_HOWE, 2))
        .isEqualTo(instants("2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"));
  }

  @Test
  void kolkata_has_a_half_hour_offset_and_no_dst() {
    assertThat(runs("0 9 * * *", "2026-11-20T00:00:00Z", KOLKATA, 2))
        .isEqualTo(instants("2026-11-20T03:30:00Z", "2026-11-21T03:30:00Z"));
    assertThat(runs("0 * * * *", "2026-11-20T00:00:00Z", KOLKATA, 2))
        .isEqualTo(instants("2026-11-20T00:30:00Z", "2026-11-20T01:30:00Z"));
  }

  @Test
  void every_hour_schedules_are_told_apart_from_fixed_hour_ones() {
    assertThat(CronSchedule.parse("*/5 * * * *").everyHour()).isTrue();
    assertThat(CronSchedule.parse("0 0-23 * * *").everyHour()).isTrue();
    assertThat(CronSchedule.parse("0 */2 * * *").everyHour()).isFalse();
    assertThat(CronSchedule.parse("30 2 * * *").everyHour()).isFalse();
  }

  @Test
  void the_interval_is_the_shortest_gap_between_runs() {
    assertThat(CronSchedule.parse("*/5 * * * *").interval(Instant.now(), ZoneOffset.UTC))
        .hasMinutes(5);
    assertThat(CronSchedule.parse("* * * * * *").interval(Instant.now(), ZoneOffset.UTC))
        .hasSeconds(1);
    assertThat(CronSchedule.parse("0 9 * * 1-5").interval(Instant.now(), ZoneOffset.UTC))
        .hasHours(24);
  }
}
