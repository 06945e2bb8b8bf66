package eu.runlater.cron;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cron schedule: 5-field Unix cron (minute hour day-of-month month day-of-week) or 6 fields with
 * a leading seconds field, with ranges, lists, steps, names (month and weekday ranges may wrap
 * around), the calendar items {@code L}, {@code L-n}, {@code nW}, {@code LW}, {@code d#k} and
 * {@code dL} (see {@link CronField}) and the macros {@code @hourly}, {@code @daily}, {@code
 * @weekly}, {@code @monthly}, {@code @yearly}. The day fields combine by Vixie cron's rule (see
 * {@link #dayMatches}). Runs are found however far ahead they are (a leap day on a Sunday comes
 * every 28 years), and an expression no day can match is refused.
 *
 * <p>Next run times follow these documented rules in any IANA time zone:
 *
 * <ul>
 *   <li><b>Every-hour schedules</b> (the hour field allows every hour, e.g. {@code *}{@code /5 * *
 *       * *}, {@code 30 * * * *}) keep to elapsed time: they fire at each instant whose local
 *       wall-clock time matches, so across a fall-back they run in both passes of the repeated hour
 *       and across a spring-forward they simply continue after the gap — intervals stay regular.
 *   <li><b>Fixed-hour schedules</b> (e.g. {@code 30 2 * * *}) fire once per matching local time: a
 *       local time skipped by spring-forward runs once at the first instant after the gap (several
 *       skipped times collapse into that one run); a local time repeated by fall-back runs once, at
 *       its first occurrence.
 * </ul>
 */
public final class CronSchedule {
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");
  private static final List<String> MONTHS =
      List.of(
          "", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS =
      List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

  private static final int CACHE_SIZE = 10_000;
  private static final java.util.concurrent.ConcurrentHashMap<String, CronSchedule> CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * How far ahead a search looks before deciding an expression never fires: the Gregorian calendar
   * repeats its dates and weekdays every 400 years (146,097 days, a whole number of weeks), and
   * whether a day matches depends on nothing else, so a day that matches at all matches within any
   * 400 years (one more covers a start late in a year).
   */
  static final int SEARCH_YEARS = 401;

  private final String expression;
  private final boolean seconds;
  final CronField second;
  final CronField minute;
  final CronField hour;
  final CronField dayOfMonth;
  final CronField month;
  final CronField dayOfWeek;

  /** The words, written on first use (job lists describe the same cached schedules often). */
  private volatile String description;

  private CronSchedule(String expression, String[] f, boolean seconds) {
    this.expression = expression;
    this.seconds = seconds;
    int i = 0;
    this.second = seconds ? CronField.parse("seconds", f[i++], 0, 59, List.of()) : zeroSecond();
    this.minute = CronField.parse("minute", f[i++], 0, 59, List.of());
    this.hour = CronField.parse("hour", f[i++], 0, 23, List.of());
    this.dayOfMonth =
        CronField.parse("day-of-month", f[i++], 1, 31, List.of(), CronField.Kind.DAY_OF_MONTH);
    this.month = CronField.parse("month", f[i++], 1, 12, MONTHS, CronField.Kind.MONTH);
    this.dayOfWeek = CronField.parse("day-of-week", f[i], 0, 7, DAYS, CronField.Kind.DAY_OF_WEEK);
  }

  private static CronField zeroSecond() {
    return CronField.parse("seconds", "0", 0, 59, List.of());
  }

  /**
   * Parses an expression.
   *
   * @throws CronParseException naming the field and what is wrong with it
   */
  public static CronSchedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new CronParseException("the expression is empty; e.g. \"*/5 * * * *\"");
    }
    String text = expression.strip().replaceAll("\\s+", " ");
    String expanded = text.startsWith("@") ? MACROS.get(text.toLowerCase(Locale.ROOT)) : text;
    if (expanded == null) {
      throw new CronParseException(
          "unknown macro " + text + "; use @hourly, @daily, @weekly, @monthly or @yearly");
    }
    String[] fields = expanded.split(" ");
    if (fields.length != 5 && fields.length != 6) {
      throw new CronParseException(
          "has "
              + fields.length
              + " fields; use 5 (minute hour day-of-month month day-of-week) or 6 (with a"
              + " leading seconds field)");
    }
    CronSchedule schedule = new CronSchedule(text, fields, fields.length == 6);
    if (schedule.next(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC) == null) {
      throw new CronParseException("never fires (no date matches, e.g. the 30th of February)");
    }
    return schedule;
  }

  /** {@link #parse}, remembering recent expressions (stored jobs are parsed on every run). */
  public static CronSchedule parseCached(String expression) {
    CronSchedule cached = CACHE.get(expression);
    if (cached != null) {
      return cached;
    }
    CronSchedule parsed = parse(expression);
    if (CACHE.size() >= CACHE_SIZE) {
      CACHE.clear();
    }
    CACHE.put(expression, parsed);
    return parsed;
  }

  public String expression() {
    return expression;
  }

  /** Whether the expression has a seconds field (sub-minute schedules). */
  boolean hasSeconds() {
    return seconds;
  }

  /** The schedule in English, e.g. "Every 5 minutes" or "At 09:00 every Monday". */
  public String describe() {
    String words = description;
    if (words == null) {
      words = CronWords.describe(this);
      description = words;
    }
    return words;
  }

  /** Whether the hour field allows every hour: such schedules keep to elapsed time across DST. */
  public boolean everyHour() {
    return hour.full();
  }

  /** The next run strictly after {@code after}, or null if the schedule never fires again. */
  public Instant next(Instant after, ZoneId zone) {
    return everyHour() ? nextByElapsedTime(after, zone) : nextByWallClock(after, zone);
  }

  /** The next {@code n} runs after {@code after}. */
  public List<Instant> next(Instant after, ZoneId zone, int n) {
    List<Instant> runs = new ArrayList<>(n);
    Instant t = after;
    while (runs.size() < n && (t = next(t, zone)) != null) {
      runs.add(t);
    }
    return runs;
  }

  /** Runs in {@code (from, to]}, at most {@code limit}. */
  public List<Instant> between(Instant from, Instant to, ZoneId zone, int limit) {
    List<Instant> runs = new ArrayList<>();
    Instant t = from;
    while (runs.size() < limit && (t = next(t, zone)) != null && !t.isAfter(to)) {
      runs.add(t);
    }
    return runs;
  }

  /** The shortest gap between the next few runs: the schedule's interval for priorities. */
  public Duration interval(Instant from, ZoneId zone) {
    List<Instant> runs = next(from, zone, 6);
    Duration shortest = Duration.ofDays(366);
    for (int i = 1; i < runs.size(); i++) {
      Duration gap = Duration.between(runs.get(i - 1), runs.get(i));
      if (gap.compareTo(shortest) < 0) {
        shortest = gap;
      }
    }
    return shortest;
  }

  private ChronoUnit unit() {
    return seconds ? ChronoUnit.SECONDS : ChronoUnit.MINUTES;
  }

  /** Every-hour schedules: walk the timeline one constant-offset segment at a time. */
  private Instant nextByElapsedTime(Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    Instant t = after.truncatedTo(unit()).plus(1, unit());
    Instant horizon = after.plus(Duration.ofDays(366L * SEARCH_YEARS));
    while (t.isBefore(horizon)) {
      ZoneOffset offset = rules.getOffset(t);
      ZoneOffsetTransition transition = rules.nextTransition(t);
      Instant end = transition == null ? horizon : transition.getInstant();
      LocalDateTime local = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, offset);
      LocalDateTime limit = LocalDateTime.ofEpochSecond(end.getEpochSecond(), 0, offset);
      LocalDateTime match = nextLocal(local, limit);
      if (match != null) {
        return match.toInstant(offset);
      }
      t = end;
    }
    return null;
  }

  /** Fixed-hour schedules: each matching wall-clock time once, gaps and repeats resolved. */
  private Instant nextByWallClock(Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    LocalDateTime from = LocalDateTime.ofInstant(after, zone).truncatedTo(unit()).plus(1, unit());
    LocalDateTime horizon = from.plusYears(SEARCH_YEARS);
    while (from.isBefore(horizon)) {
      LocalDateTime local = nextLocal(from, horizon);
      if (local == null) {
        return null;
      }
      List<ZoneOffset> offsets = rules.getValidOffsets(local);
      Instant run;
      if (offsets.size() == 1) {
        run = local.toInstant(offsets.getFirst());
      } else {
        ZoneOffsetTransition transition = rules.getTransition(local);
        run =
            offsets.isEmpty()
                ? transition.getInstant() // skipped: the first instant after the gap
                : local.toInstant(transition.getOffsetBefore()); // repeated: the first pass
      }
      if (run.isAfter(after)) {
        return run;
      }
      from = local.plus(1, unit());
    }
    return null;
  }

  /** The first local time at or after {@code from} and before {@code limit} that matches. */
  LocalDateTime nextLocal(LocalDateTime from, LocalDateTime limit) {
    LocalDateTime t = from;
    while (t.isBefore(limit)) {
      if (!month.has(t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
        continue;
      }
      if (!dayMatches(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
        continue;
      }
      int h = hour.next(t.getHour());
      if (h < 0) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
        continue;
      }
      if (h != t.getHour()) {
        t = t.withHour(h).withMinute(0).withSecond(0);
        continue;
      }
      int m = minute.next(t.getMinute());
      if (m < 0) {
        t = t.withMinute(0).withSecond(0).plusHours(1);
        continue;
      }
      if (m != t.getMinute()) {
        t = t.withMinute(m).withSecond(0);
        continue;
      }
      int s = second.next(t.getSecond());
      if (s < 0) {
        t = t.withSecond(0).plusMinutes(1);
        continue;
      }
      LocalDateTime match = t.withSecond(s).withNano(0);
      return match.isBefore(limit) ? match : null;
    }
    return null;
  }

  /**
   * Vixie cron's day rule: when either day field starts with {@code *} (or is {@code ?}) a day must
   * match both, so {@code 0 0 *}{@code /2 * MON} runs on odd-numbered Mondays; when neither does, a
   * day matches either, so {@code 0 0 13 * FRI} runs on the 13th and on every Friday.
   */
  boolean dayMatches(LocalDate date) {
    boolean dom = dayOfMonth.matchesDayOfMonth(date);
    boolean dow = dayOfWeek.matchesDayOfWeek(date);
    if (bothDays()) {
      return dom && dow;
    }
    return dom || dow;
  }

  /** Whether a day must match both day fields (one starts with {@code *}) rather than either. */
  boolean bothDays() {
    return dayOfMonth.star || dayOfWeek.star;
  }

  /** Whether a local time matches the fields (for tests and oracles). */
  boolean matches(LocalDateTime t) {
    return month.has(t.getMonthValue())
        && dayMatches(t.toLocalDate())
        && hour.has(t.getHour())
        && minute.has(t.getMinute())
        && second.has(t.getSecond());
  }

  @Override
  public String toString() {
    return expression;
  }
}
