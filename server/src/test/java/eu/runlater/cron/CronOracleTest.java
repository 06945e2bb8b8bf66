package eu.runlater.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Property test: for random expressions, zones and start times, the schedule's next runs equal
 * those of a brute-force oracle that walks every minute (or second) and applies the documented DST
 * rules directly. The oracle knows the allowed values of each field from the generator, not from
 * the parser, so it checks parsing too.
 */
class CronOracleTest {
  static final List<ZoneId> ZONES =
      List.of(
              "Europe/Oslo",
              "America/New_York",
              "Australia/Lord_Howe",
              "Asia/Kolkata",
              "UTC",
              "Pacific/Chatham",
              "America/Santiago",
              "Europe/London")
          .stream()
          .map(ZoneId::of)
          .toList();
  static final int RUNS = 400;

  /**
   * A generated field: its text, the values it allows, and for the day fields the days its calendar
   * items ({@code L}, {@code W}, {@code #}) allow.
   */
  record Field(String text, TreeSet<Integer> values, Predicate<LocalDate> calendar) {
    Field(String text, TreeSet<Integer> values) {
      this(text, values, d -> false);
    }
  }

  /** A generated expression with what the oracle needs to evaluate it. */
  record Expr(
      String text,
      boolean seconds,
      TreeSet<Integer> sec,
      TreeSet<Integer> min,
      TreeSet<Integer> hour,
      Field dom,
      TreeSet<Integer> month,
      Field dow) {

    boolean dayMatches(LocalDateTime t) {
      LocalDate date = t.toLocalDate();
      boolean d = dom.values().contains(t.getDayOfMonth()) || dom.calendar().test(date);
      int weekday = t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue();
      boolean w = dow.values().contains(weekday) || dow.calendar().test(date);
      return dom.text().startsWith("*") || dow.text().startsWith("*") ? d && w : d || w;
    }

    boolean matches(LocalDateTime t) {
      // The day last: its calendar items walk the month, and the time fields rule out most of the
      // minutes the oracle visits at a set lookup each.
      return month.contains(t.getMonthValue())
          && hour.contains(t.getHour())
          && min.contains(t.getMinute())
          && sec.contains(t.getSecond())
          && dayMatches(t);
    }

    boolean everyHour() {
      return hour.size() == 24;
    }
  }

  static Field field(Random r, int lo, int hi, double starChance) {
    double pick = r.nextDouble();
    if (pick < starChance) {
      return new Field("*", range(lo, hi, 1));
    }
    pick = r.nextDouble();
    if (pick < 0.25) {
      int step = 2 + r.nextInt(Math.max(1, (hi - lo) / 2));
      return new Field("*/" + step, range(lo, hi, step));
    }
    if (pick < 0.5) {
      int a = lo + r.nextInt(hi - lo + 1);
      int b = a + r.nextInt(hi - a + 1);
      int step = 1 + r.nextInt(3);
      return new Field(a + "-" + b + (step > 1 ? "/" + step : ""), range(a, b, step));
    }
    TreeSet<Integer> values = new TreeSet<>();
    int n = 1 + r.nextInt(3);
    while (values.size() < n) {
      values.add(lo + r.nextInt(hi - lo + 1));
    }
    return new Field(values.stream().map(String::valueOf).collect(Collectors.joining(",")), values);
  }

  static TreeSet<Integer> range(int a, int b, int step) {
    TreeSet<Integer> s = new TreeSet<>();
    for (int v = a; v <= b; v += step) {
      s.add(v);
    }
    return s;
  }

  static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  static final List<String> MONTH_NAMES =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");

  /** Day-of-month calendar items, maybe with a plain day: L, L-n, nW, LW. */
  static Field calendarDays(Random r) {
    List<String> texts = new ArrayList<>();
    TreeSet<Integer> values = new TreeSet<>();
    List<Predicate<LocalDate>> days = new ArrayList<>();
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(31);
      switch (r.nextInt(5)) {
        case 0 -> {
          texts.add("L");
          days.add(d -> d.plusDays(1).getDayOfMonth() == 1);
        }
        case 1 -> {
          texts.add("L-" + k);
          days.add(
              d ->
                  d.plusDays(k + 1).getDayOfMonth() == 1
                      && d.plusDays(k).getMonth() == d.getMonth());
        }
        case 2 -> {
          texts.add((k + 1) + "W");
          days.add(d -> d.equals(nearestWeekday(d, k + 1)));
        }
        case 3 -> {
          texts.add("LW");
          days.add(d -> d.equals(nearestWeekday(d, d.lengthOfMonth())));
        }
        default -> {
          texts.add(Integer.toString(k + 1));
          values.add(k + 1);
        }
      }
    }
    return new Field(String.join(",", texts), values, d -> days.stream().anyMatch(p -> p.test(d)));
  }

  /** Day-of-week calendar items, maybe with a plain day: d#k and dL, by number or name. */
  static Field calendarWeekdays(Random r) {
    List<String> texts = new ArrayList<>();
    TreeSet<Integer> values = new TreeSet<>();
    List<Predicate<LocalDate>> days = new ArrayList<>();
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      int day = r.nextInt(7);
      String name = r.nextBoolean() ? DAY_NAMES.get(day) : Integer.toString(day);
      DayOfWeek weekday = day == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(day);
      switch (r.nextInt(3)) {
        case 0 -> {
          int k = 1 + r.nextInt(5);
          texts.add(name + "#" + k);
          // The kth: exactly k of this weekday from the 1st up to the day.
          days.add(
              d ->
                  d.getDayOfWeek() == weekday
                      && d.withDayOfMonth(1)
                              .datesUntil(d.plusDays(1))
                              .filter(x -> x.getDayOfWeek() == weekday)
                              .count()
                          == k);
        }
        case 1 -> {
          texts.add(name + "L");
          days.add(d -> d.getDayOfWeek() == weekday && d.plusWeeks(1).getMonth() != d.getMonth());
        }
        default -> {
          texts.add(name);
          values.add(day);
        }
      }
    }
    return new Field(String.join(",", texts), values, d -> days.stream().anyMatch(p -> p.test(d)));
  }

  /** A range of names that may wrap around: FRI-MON, NOV-FEB. */
  static Field names(Random r, List<String> names, int first) {
    int a = r.nextInt(names.size());
    int b = r.nextInt(names.size());
    TreeSet<Integer> values = new TreeSet<>();
    for (int i = a; ; i = (i + 1) % names.size()) {
      values.add(first + i);
      if (i == b) {
        break;
      }
    }
    return new Field(names.get(a) + "-" + names.get(b), values);
  }

  /**
   * The weekday of {@code d}'s month closest to its nth, the earlier on a tie; null past its end.
   */
  static LocalDate nearestWeekday(LocalDate d, int n) {
    if (n > d.lengthOfMonth()) {
      return null;
    }
    LocalDate target = d.withDayOfMonth(n);
    return d.withDayOfMonth(1)
        .datesUntil(d.withDayOfMonth(d.lengthOfMonth()).plusDays(1))
        .filter(x -> x.getDayOfWeek().getValue() <= 5)
        .min(
            Comparator.comparingLong(
                    (LocalDate x) -> Math.abs(x.toEpochDay() - target.toEpochDay()))
                .thenComparing(x -> x))
        .orElseThrow();
  }

  static Expr generate(Random r, boolean seconds) {
    return generate(r, seconds, 0);
  }

  /** With {@code calendar} the chance of each day field having calendar items or names. */
  static Expr generate(Random r, boolean seconds, double calendar) {
    Field sec = seconds ? field(r, 0, 59, 0.2) : new Field("0", range(0, 0, 1));
    Field min = field(r, 0, 59, 0.2);
    Field hour = field(r, 0, 23, 0.5);
    Field dom = r.nextDouble() < calendar ? calendarDays(r) : field(r, 1, 31, 0.7);
    Field month = r.nextDouble() < calendar / 3 ? names(r, MONTH_NAMES, 1) : field(r, 1, 12, 0.7);
    double pick = r.nextDouble();
    Field dow =
        pick < calendar
            ? calendarWeekdays(r)
            : pick < calendar * 1.3 ? names(r, DAY_NAMES, 0) : field(r, 0, 6, 0.7);
    String text =
        (seconds ? sec.text() + " " : "")
            + String.join(" ", min.text(), hour.text(), dom.text(), month.text(), dow.text());
    return new Expr(
        text, seconds, sec.values(), min.values(), hour.values(), dom, month.values(), dow);
  }

  /** A random expression with any field form, for other property tests. */
  static String randomText(Random r) {
    return generate(r, r.nextInt(4) == 0, 0.4).text();
  }

  /** The documented rules, applied by brute force. */
  static List<Instant> oracle(Expr e, Instant after, ZoneId zone, int n, Instant end) {
    ChronoUnit unit = e.seconds() ? ChronoUnit.SECONDS : ChronoUnit.MINUTES;
    List<Instant> out = new ArrayList<>();
    if (e.everyHour()) {
      // Every instant whose wall-clock time matches.
      for (Instant t = after.truncatedTo(unit).plus(1, unit);
          out.size() < n && t.isBefore(end);
          t = t.plus(1, unit)) {
        if (e.matches(LocalDateTime.ofInstant(t, zone))) {
          out.add(t);
        }
      }
      return out;
    }
    // Each matching wall-clock time once: skipped ones at the end of the gap, repeated ones at
    // their first occurrence.
    TreeSet<Instant> runs = new TreeSet<>();
    LocalDateTime start = LocalDateTime.ofInstant(after, zone).minusDays(1).truncatedTo(unit);
    LocalDateTime stop = LocalDateTime.ofInstant(end, zone).plusDays(1);
    for (LocalDateTime l = start; l.isBefore(stop); l = l.plus(1, unit)) {
      if (!e.matches(l)) {
        continue;
      }
      List<ZoneOffset> offsets = zone.getRules().getValidOffsets(l);
      ZoneOffsetTransition tr = zone.getRules().getTransition(l);
      Instant run =
          offsets.size() == 1
              ? l.toInstant(offsets.getFirst())
              : offsets.isEmpty() ? tr.getInstant() : l.toInstant(tr.getOffsetBefore());
      if (run.isAfter(after) && run.isBefore(end)) {
        runs.add(run);
        if (runs.size() > n + 50 && runs.last().isAfter(runs.first().plus(Duration.ofDays(2)))) {
          break;
        }
      }
    }
    return runs.stream().limit(n).toList();
  }

  /** A start shortly before one of the zone's transitions in 2026–2027 (or anywhere, without). */
  static Instant start(Random r, ZoneId zone) {
    Instant base = Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofDays(r.nextInt(540)));
    ZoneOffsetTransition next = zone.getRules().nextTransition(base);
    Instant anchor = next == null || r.nextInt(5) == 0 ? base : next.getInstant();
    return anchor.minusSeconds(r.nextInt(3 * 24 * 3600)).plusMillis(r.nextInt(1000));
  }

  void check(long seed, int cases, boolean seconds, Duration window) {
    check(seed, cases, seconds, window, 0);
  }

  void check(long seed, int cases, boolean seconds, Duration window, double calendar) {
    Random r = new Random(seed);
    for (int i = 0; i < cases; i++) {
      Expr e = generate(r, seconds, calendar);
      ZoneId zone = ZONES.get(r.nextInt(ZONES.size()));
      CronSchedule schedule;
      try {
        schedule = CronSchedule.parse(e.text());
      } catch (CronParseException neverFires) {
        assertThat(neverFires).hasMessageContaining("never fires");
        continue;
      }
      Instant after = start(r, zone);
      Instant end = after.plus(window);
      List<Instant> expected = oracle(e, after, zone, RUNS, end);
      List<Instant> actual =
          schedule.next(after, zone, RUNS).stream().filter(t -> t.isBefore(end)).toList();
      assertThat(actual)
          .as("'%s' in %s after %s (seed %d, case %d)", e.text(), zone, after, seed, i)
          .isEqualTo(expected);
    }
  }

  @Test
  void minute_schedules_agree_with_the_oracle_over_a_year_across_dst() {
    check(20261122L, 150, false, Duration.ofDays(366));
  }

  @Test
  void calendar_schedules_agree_with_the_oracle_over_a_year_across_dst() {
    // L, L-n, nW, LW, d#k, dL and wrap-around names, alone, listed, and with the other day field.
    check(20270328L, 150, false, Duration.ofDays(366), 0.8);
  }

  @Test
  void second_schedules_agree_with_the_oracle_around_dst_changes() {
    check(5318008L, 60, true, Duration.ofDays(4));
  }

  @Test
  void the_oracle_itself_sees_dst() {
    // Guard against an oracle that agrees with everything: a fixed-hour job in a gap moves.
    Expr fixed =
        new Expr(
            "30 2 * * *",
            false,
            range(0, 0, 1),
            range(30, 30, 1),
            range(2, 2, 1),
            new Field("*", range(1, 31, 1)),
            range(1, 12, 1),
            new Field("*", range(0, 6, 1)));
    assertThat(
            oracle(
                fixed,
                Instant.parse("2026-03-28T12:00:00Z"),
                ZoneId.of("Europe/Oslo"),
                1,
                Instant.parse("2026-04-30T00:00:00Z")))
        .containsExactly(Instant.parse("2026-03-29T01:00:00Z"));
  }
}
