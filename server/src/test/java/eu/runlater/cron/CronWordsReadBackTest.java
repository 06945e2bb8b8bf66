package eu.runlater.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The words say when a schedule runs: a reader of the English (below, knowing the phrases but not
 * the parser) turns each description back into the times of day and the days it names, and those
 * must equal the times and days of the schedule's runs over two years (2027 and the leap year
 * 2028). Run for every expression of {@link CronWordsTest} and {@link CronScheduleTest} and for
 * random ones with every field form.
 */
class CronWordsReadBackTest {
  static final LocalDate FIRST = LocalDate.of(2027, 1, 1);
  static final LocalDate END = LocalDate.of(2029, 1, 1);

  static final List<String> MONTHS =
      Arrays.stream(Month.values())
          .map(m -> m.getDisplayName(TextStyle.FULL, Locale.ENGLISH))
          .toList();
  static final List<String> DAYS =
      Arrays.stream(DayOfWeek.values())
          .map(d -> d.getDisplayName(TextStyle.FULL, Locale.ENGLISH))
          .toList();
  static final List<String> NTH = List.of("first", "second", "third", "fourth", "fifth");

  // ---- what the schedule does ----

  /** The days in [FIRST, END) with a run (in UTC, so no clock change moves one). */
  static Set<LocalDate> runDays(CronSchedule cron) {
    Set<LocalDate> days = new TreeSet<>();
    for (LocalDate d = FIRST; d.isBefore(END); d = d.plusDays(1)) {
      Instant next =
          cron.next(d.atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1), ZoneOffset.UTC);
      if (next != null && LocalDateTime.ofInstant(next, ZoneOffset.UTC).toLocalDate().equals(d)) {
        days.add(d);
      }
    }
    return days;
  }

  /** The times of the runs on {@code day}. */
  static Set<LocalTime> runTimes(CronSchedule cron, LocalDate day) {
    Set<LocalTime> times = new TreeSet<>();
    Instant t = day.atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
    while ((t = cron.next(t, ZoneOffset.UTC)) != null) {
      LocalDateTime local = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
      if (!local.toLocalDate().equals(day)) {
        break;
      }
      times.add(local.toLocalTime());
    }
    return times;
  }

  // ---- what the words say ----

  record Reading(Set<LocalTime> times, Predicate<LocalDate> days) {}

  private static final Pattern DAYS_START = Pattern.compile(",? (on |every day)");

  static Reading read(String description) {
    String text = Character.toLowerCase(description.charAt(0)) + description.substring(1);
    Matcher split = DAYS_START.matcher(text);
    if (split.find()) {
      return new Reading(
          times(text.substring(0, split.start())),
          days(text.substring(split.start()).replaceFirst("^,? ", "")));
    }
    return new Reading(times(text), d -> true);
  }

  // -- times --

  private static final String CLOCK = "(\\d\\d):(\\d\\d)(?::(\\d\\d))?";

  static Set<LocalTime> times(String text) {
    Matcher m;
    if (text.startsWith("at ") && text.matches("at " + CLOCK + "(?:(?:, | and )" + CLOCK + ")*")) {
      Set<LocalTime> out = new TreeSet<>();
      Matcher c = Pattern.compile(CLOCK).matcher(text);
      while (c.find()) {
        out.add(clock(c));
      }
      return out;
    }
    if ((m = match("every (\\d+) hours(?: at minute (\\d+)(?: at second (\\d+))?)?", text))
        != null) {
      int step = Integer.parseInt(m.group(1));
      return product(steps(0, 23, 0, step), one(m.group(2)), one(m.group(3)));
    }
    if ((m = match("every (?:(\\d+) hours|hour) from " + CLOCK + " to " + CLOCK, text)) != null) {
      int step = m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
      int from = Integer.parseInt(m.group(2));
      return product(
          steps(from, Integer.parseInt(m.group(5)), from, step), one(m.group(3)), one(m.group(4)));
    }
    if ((m = match("every hour at minute (\\d+), second (\\d+)", text)) != null) {
      return product(range(0, 23), one(m.group(1)), one(m.group(2)));
    }
    // A pattern within the hour, then the hours it runs in.
    List<Integer> hours = range(0, 23);
    String rest = text;
    if ((m = find(" between (\\d\\d):00 and (\\d\\d):59$", rest)) != null) {
      hours = range(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    } else if ((m =
            find(
                " in every (\\d+)(?:st|nd|rd|th) hour(?: from (\\d\\d):00 to (\\d\\d):59)?$", rest))
        != null) {
      int from = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      int to = m.group(3) == null ? 23 : Integer.parseInt(m.group(3));
      int step = Integer.parseInt(m.group(1));
      hours = steps(from, to, from, step);
    } else if ((m = find(" during hours (.+)$", rest)) != null) {
      hours = numbers(m.group(1));
    } else if ((m = find(" of every hour$", rest)) != null) {
      hours = range(0, 23);
    }
    if (m != null) {
      rest = rest.substring(0, m.start());
    }
    List<Integer> minutes;
    List<Integer> seconds;
    if ((m = match("(.+) during minutes? (.+)", rest)) != null) {
      seconds = units(m.group(1), "second");
      minutes = numbers(m.group(2));
    } else if (rest.equals("every hour")) {
      minutes = List.of(0);
      seconds = List.of(0);
    } else if (rest.matches(
        "(every minute at seconds? |every second|every \\d+ seconds|at seconds? ).*")) {
      // Seconds of every minute: "every 10 seconds", "every minute at seconds 0 and 15".
      seconds = units(rest.replaceFirst("^every minute (?=at)", ""), "second");
      minutes = range(0, 59);
    } else {
      String atSecond = "0";
      if ((m = find(" at second (\\d+)$", rest)) != null) {
        atSecond = m.group(1);
        rest = rest.substring(0, m.start());
      }
      seconds = one(atSecond);
      minutes = units(rest.replaceFirst("^every hour ", ""), "minute");
    }
    return product(hours, minutes, seconds);
  }

  /** The phrases of one unit within the next larger one. */
  static List<Integer> units(String text, String unit) {
    int max = 59;
    Matcher m;
    if (text.equals("every " + unit)) {
      return range(0, max);
    }
    if ((m = match("at " + unit + " (\\d+)", text)) != null) {
      return one(m.group(1));
    }
    if ((m = match("every " + unit + " from " + unit + " (\\d+) to (\\d+)", text)) != null) {
      return range(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    if ((m = match("every (\\d+) " + unit + "s(?: from " + unit + " (\\d+)(?: to (\\d+))?)?", text))
        != null) {
      int from = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      int to = m.group(3) == null ? max : Integer.parseInt(m.group(3));
      return steps(from, to, from, Integer.parseInt(m.group(1)));
    }
    if ((m = match("at " + unit + "s (.+)", text)) != null) {
      return numbers(m.group(1));
    }
    throw new AssertionError("cannot read '" + text + "' as " + unit + "s");
  }

  // -- days --

  static Predicate<LocalDate> days(String text) {
    Matcher m;
    if ((m = match("every day (in|from) (.+)", text)) != null
        && !DAYS.stream().anyMatch(text::contains)) {
      return inMonths(m.group(1) + " " + m.group(2));
    }
    if ((m = match("on (.+?) of (the month|" + MONTH_LIST + "), only if it is also (.+)", text))
        != null) {
      return monthDays(m.group(1)).and(ofMonths(m.group(2))).and(also(m.group(3)));
    }
    if ((m =
                match(
                    "on (.+?) of (the month|" + MONTH_LIST + ") and ((?:on|every day from) .+)",
                    text))
            != null
        && !DAYS.stream().anyMatch(m.group(1)::contains)) {
      Predicate<LocalDate> dom = monthDays(m.group(1)).and(ofMonths(m.group(2)));
      return dom.or(weekdaysInMonths(m.group(3)));
    }
    if ((m = match("on (.+?) of (the month|" + MONTH_LIST + ")", text)) != null
        && !DAYS.stream().anyMatch(m.group(1)::contains)) {
      return monthDays(m.group(1)).and(ofMonths(m.group(2)));
    }
    return weekdaysInMonths(text);
  }

  private static final String MONTH_NAME =
      "(?:January|February|March|April|May|June|July|August|September|October|November|December)";
  private static final String MONTH_LIST = MONTH_NAME + "(?:(?:, | and | to )" + MONTH_NAME + ")*";

  private static Predicate<LocalDate> ofMonths(String text) {
    if (text.equals("the month")) {
      return d -> true;
    }
    List<Integer> months = names(text, MONTHS);
    return d -> months.contains(d.getMonthValue());
  }

  /** " in January and July", " from March to October" at the end of a weekday phrase. */
  private static Predicate<LocalDate> inMonths(String text) {
    Matcher m = match("(?:in|from) (" + MONTH_LIST + ")", text);
    assertThat(m).as("months in '%s'", text).isNotNull();
    return ofMonths(m.group(1));
  }

  private static Predicate<LocalDate> weekdaysInMonths(String text) {
    Matcher m = find(" (in|from) " + MONTH_LIST + "$", text);
    if (m != null && !text.substring(0, m.start()).endsWith("every day")) {
      String weekdays = text.substring(0, m.start());
      // "every day from Monday to Friday" ends in "from …" too, but names no month.
      return weekdays(weekdays).and(inMonths(text.substring(m.start() + 1)));
    }
    return weekdays(text);
  }

  /**
   * "on Monday and Friday", "every day from Monday to Friday", "on the first Monday of the month".
   */
  private static Predicate<LocalDate> weekdays(String text) {
    Predicate<LocalDate> out = d -> false;
    String rest = text;
    Matcher m;
    if ((m = find("^every day from (\\w+) to (\\w+)", rest)) != null) {
      List<Integer> days = range(DAYS.indexOf(m.group(1)) + 1, DAYS.indexOf(m.group(2)) + 1);
      out = d -> days.contains(d.getDayOfWeek().getValue());
      rest = rest.substring(m.end()).replaceFirst("^ and ", "");
    }
    if (rest.isEmpty()) {
      return out;
    }
    assertThat(rest).as(text).startsWith("on ");
    for (String part : rest.substring(3).replace(" of the month", "").split(" and on ")) {
      for (String item : items(part)) {
        out = out.or(weekday(item));
      }
    }
    return out;
  }

  /** "a Monday or Friday", "the first Monday of the month". */
  private static Predicate<LocalDate> also(String text) {
    Predicate<LocalDate> out = d -> false;
    for (String item : text.replace(" of the month", "").split(", | or ")) {
      out = out.or(weekday(item.replaceFirst("^a ", "")));
    }
    return out;
  }

  private static Predicate<LocalDate> weekday(String item) {
    Matcher m;
    if ((m = match("the (first|second|third|fourth|fifth) (\\w+)", item)) != null) {
      DayOfWeek day = DayOfWeek.of(DAYS.indexOf(m.group(2)) + 1);
      int k = NTH.indexOf(m.group(1)) + 1;
      // The kth: k-1 of the same weekday earlier in the month.
      return d ->
          d.getDayOfWeek() == day
              && d.minusWeeks(k - 1).getMonth() == d.getMonth()
              && d.minusWeeks(k).getMonth() != d.getMonth();
    }
    if ((m = match("the last (\\w+)", item)) != null) {
      DayOfWeek day = DayOfWeek.of(DAYS.indexOf(m.group(1)) + 1);
      return d -> d.getDayOfWeek() == day && d.plusWeeks(1).getMonth() != d.getMonth();
    }
    List<Integer> days = names(item, DAYS);
    return d -> days.contains(d.getDayOfWeek().getValue());
  }

  /** "the 1st and 15th", "odd-numbered days", "every 3rd day from the 5th", "the last day", … */
  private static Predicate<LocalDate> monthDays(String text) {
    Predicate<LocalDate> out = d -> false;
    for (String item : items(text)) {
      String it = item.replaceFirst("^the ", "");
      Matcher m;
      if (it.equals("odd-numbered days")) {
        out = out.or(d -> d.getDayOfMonth() % 2 == 1);
      } else if (it.equals("even-numbered days")) {
        out = out.or(d -> d.getDayOfMonth() % 2 == 0);
      } else if ((m =
              match(
                  "every (\\d+)(?:st|nd|rd|th) day(?: from the (\\d+)(?:st|nd|rd|th))?(?: to the (\\d+)(?:st|nd|rd|th))?",
                  it))
          != null) {
        int from = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        List<Integer> days =
            steps(
                from,
                m.group(3) == null ? 31 : Integer.parseInt(m.group(3)),
                from,
                Integer.parseInt(m.group(1)));
        out = out.or(d -> days.contains(d.getDayOfMonth()));
      } else if (it.equals("last day")) {
        out = out.or(d -> d.plusDays(1).getDayOfMonth() == 1);
      } else if ((m = match("(\\d+)(?:st|nd|rd|th)-last day", it)) != null) {
        int k = Integer.parseInt(m.group(1));
        out =
            out.or(
                d ->
                    d.plusDays(k - 1).getMonth() == d.getMonth()
                        && d.plusDays(k).getMonth() != d.getMonth());
      } else if (it.equals("last weekday")) {
        out =
            out.or(
                d ->
                    weekday(d)
                        && d.datesUntil(d.withDayOfMonth(d.lengthOfMonth()).plusDays(1))
                            .skip(1)
                            .noneMatch(CronWordsReadBackTest::weekday));
      } else if ((m = match("weekday nearest the (\\d+)(?:st|nd|rd|th)", it)) != null) {
        int n = Integer.parseInt(m.group(1));
        out = out.or(d -> d.equals(CronOracleTest.nearestWeekday(d, n)));
      } else if ((m = match("(\\d+)(?:st|nd|rd|th) to (\\d+)(?:st|nd|rd|th)", it)) != null) {
        List<Integer> days = range(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        out = out.or(d -> days.contains(d.getDayOfMonth()));
      } else if ((m = match("(\\d+)(?:st|nd|rd|th)", it)) != null) {
        int n = Integer.parseInt(m.group(1));
        out = out.or(d -> d.getDayOfMonth() == n);
      } else {
        throw new AssertionError("cannot read the day '" + item + "' of '" + text + "'");
      }
    }
    return out;
  }

  private static boolean weekday(LocalDate d) {
    return d.getDayOfWeek().getValue() <= 5;
  }

  // ---- small readers ----

  /** A list "a, b and c" (or "… or c") as its items. */
  private static List<String> items(String text) {
    return List.of(text.split(", | and | or "));
  }

  /** "1, 4 to 6 and 9" as numbers. */
  private static List<Integer> numbers(String text) {
    List<Integer> out = new ArrayList<>();
    for (String item : items(text)) {
      String[] bounds = item.split(" to ");
      out.addAll(range(Integer.parseInt(bounds[0]), Integer.parseInt(bounds[bounds.length - 1])));
    }
    return out;
  }

  /** "January, March to May" as 1-based indexes into {@code names}. */
  private static List<Integer> names(String text, List<String> names) {
    List<Integer> out = new ArrayList<>();
    for (String item : items(text)) {
      String[] bounds = item.split(" to ");
      assertThat(names).as("'%s' in '%s'", item, text).contains(bounds);
      out.addAll(range(names.indexOf(bounds[0]) + 1, names.indexOf(bounds[bounds.length - 1]) + 1));
    }
    return out;
  }

  private static Matcher match(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.matches() ? m : null;
  }

  private static Matcher find(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m : null;
  }

  private static LocalTime clock(Matcher c) {
    return LocalTime.of(
        Integer.parseInt(c.group(1)),
        Integer.parseInt(c.group(2)),
        c.group(3) == null ? 0 : Integer.parseInt(c.group(3)));
  }

  private static List<Integer> one(String value) {
    return List.of(value == null ? 0 : Integer.parseInt(value));
  }

  private static List<Integer> range(int from, int to) {
    return steps(from, to, from, 1);
  }

  private static List<Integer> steps(int from, int to, int start, int step) {
    List<Integer> out = new ArrayList<>();
    for (int v = start; v <= to; v += step) {
      if (v >= from) {
        out.add(v);
      }
    }
    return out;
  }

  private static Set<LocalTime> product(List<Integer> h, List<Integer> m, List<Integer> s) {
    Set<LocalTime> out = new TreeSet<>();
    for (int hour : h) {
      for (int minute : m) {
        for (int second : s) {
          out.add(LocalTime.of(hour, minute, second));
        }
      }
    }
    return out;
  }

  // ---- the property ----

  static void check(String expression) {
    CronSchedule cron = CronSchedule.parse(expression);
    String words = cron.describe();
    Reading reading;
    try {
      reading = read(words);
    } catch (RuntimeException e) {
      throw new AssertionError("'" + expression + "' reads '" + words + "': " + e, e);
    }
    Set<LocalDate> days = runDays(cron);
    Set<LocalDate> said = new TreeSet<>();
    FIRST.datesUntil(END).filter(reading.days()).forEach(said::add);
    assertThat(said).as("days of '%s', said as '%s'", expression, words).isEqualTo(days);
    if (!days.isEmpty()) {
      assertThat(reading.times())
          .as("times of '%s', said as '%s'", expression, words)
          .isEqualTo(runTimes(cron, days.iterator().next()));
    }
  }

  /**
   * Every expression the other cron tests use: the word examples, and each expression the next-run
   * and preview tests compute runs for (read from their source, so a new one is covered).
   */
  static Set<String> suiteExpressions() throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String test : List.of("CronScheduleTest", "CronPreviewTest")) {
      String source = Files.readString(Path.of("src/test/java/eu/runlater/cron/" + test + ".java"));
      Matcher m = Pattern.compile("(?:runs|parse|of)\\(\\s*\"([^\"]+)\"").matcher(source);
      while (m.find()) {
        try {
          CronSchedule.parse(m.group(1));
          out.add(m.group(1));
        } catch (CronParseException refused) {
          // an invalid-expression case
        }
      }
    }
    for (String line : CronWordsTest.EXAMPLES.lines().toList()) {
      String text = line.strip();
      if (!text.isEmpty() && !text.startsWith("#")) {
        out.add(text.substring(0, text.indexOf('|')).strip());
      }
    }
    return out;
  }

  @Test
  void the_words_of_each_example_name_its_runs() throws IOException {
    Set<String> expressions = suiteExpressions();
    for (String expression : expressions) {
      check(expression);
    }
    assertThat(expressions).hasSizeGreaterThan(100);
  }

  @Test
  void the_words_of_random_expressions_name_their_runs() {
    Random r = new Random(2027);
    int checked = 0;
    for (int i = 0; i < 400; i++) {
      String expression = CronOracleTest.randomText(r);
      try {
        CronSchedule.parse(expression);
      } catch (CronParseException neverFires) {
        continue;
      }
      check(expression);
      checked++;
    }
    assertThat(checked).isGreaterThan(300);
  }
}
