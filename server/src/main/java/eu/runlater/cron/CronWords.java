package eu.runlater.cron;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A schedule in English ("Every 5 minutes", "At 09:00 every day from Monday to Friday"), written
 * from the value sets {@link CronSchedule} parsed, not from the text: whatever the parser accepts
 * has words, and the words cannot disagree with the runs. Sets are named by shape — all values, a
 * step from the start ({@code *}{@code /5}), a run ({@code 9-17}), a single value or a list — so
 * {@code 0-59/5}, {@code *}{@code /5} and {@code 0,5,…,55} read alike.
 */
final class CronWords {
  private static final List<String> MONTHS =
      List.of(
          "",
          "January",
          "February",
          "March",
          "April",
          "May",
          "June",
          "July",
          "August",
          "September",
          "October",
          "November",
          "December");

  /** Monday first and Sunday last (7), so FRI-SUN is one run. */
  private static final List<String> DAYS =
      List.of("", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday");

  private static final List<String> NTH =
      List.of("", "first", "second", "third", "fourth", "fifth");

  /** At most this many clock times are listed ("at 09:00 and 17:00"); more read as a pattern. */
  private static final int TIMES_LISTED = 6;

  private CronWords() {}

  static String describe(CronSchedule cron) {
    String time =
        time(
            cron.hasSeconds() ? values(cron.second) : List.of(0),
            values(cron.minute),
            values(cron.hour));
    String days = days(cron);
    // "Every 5 minutes, every day from Monday to Friday" needs the comma; "Every hour on Monday"
    // does not.
    boolean comma = time.startsWith("every") && days.startsWith("every");
    String text = days.isEmpty() ? time : time + (comma ? ", " : " ") + days;
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  // ---- time of day: seconds, minutes, hours ----

  private static String time(List<Integer> s, List<Integer> m, List<Integer> h) {
    boolean everyMinute = m.size() == 60;
    boolean everyHour = h.size() == 24;
    if (s.size() > 1) {
      String seconds = units(s, 0, 59, "second");
      if (everyMinute && everyHour) {
        return seconds.startsWith("every") ? seconds : "every minute " + seconds;
      }
      if (everyMinute) {
        return seconds + hourWindow(h);
      }
      String minutes =
          m.size() == 1
              ? " minute " + m.getFirst()
              : " minutes " + list(m, Integer::toString, "and");
      return seconds + " during" + minutes + (everyHour ? " of every hour" : hourWindow(h));
    }
    int second = s.getFirst();
    String atSecond = second == 0 ? "" : " at second " + second;
    if (everyHour) {
      if (everyMinute) {
        return "every minute" + atSecond;
      }
      if (m.size() == 1 && second != 0) {
        return "every hour at minute " + m.getFirst() + ", second " + second;
      }
      return m.equals(List.of(0)) && second == 0 ? "every hour" : perHour(m) + atSecond;
    }
    int step = step(h);
    boolean fromMidnight = step > 0 && h.getFirst() == 0 && h.getLast() + step > 23;
    if (m.size() == 1 && h.size() >= 3 && fromMidnight) {
      return "every "
          + step
          + " hours"
          + (m.getFirst() == 0 && second == 0 ? "" : " at minute " + m.getFirst() + atSecond);
    }
    if (h.size() * m.size() <= TIMES_LISTED) {
      return "at " + clockTimes(h, m, second);
    }
    if (m.size() == 1) {
      int minute = m.getFirst();
      String from = clock(h.getFirst(), minute, second);
      String to = clock(h.getLast(), minute, second);
      if (runs(h).size() == 1) {
        return "every hour from " + from + " to " + to;
      }
      if (step > 0) {
        return "every " + step + " hours from " + from + " to " + to;
      }
      return "at " + clockTimes(h, m, second);
    }
    return perHour(m) + atSecond + hourWindow(h);
  }

  /** Minutes within an hour: "every 5 minutes" stands alone; "at minute 30" needs its hour. */
  private static String perHour(List<Integer> m) {
    String minutes = units(m, 0, 59, "minute");
    return minutes.startsWith("every") ? minutes : "every hour " + minutes;
  }

  /** The hours a sub-hour pattern runs in: "" for all, " between 09:00 and 17:59", … */
  private static String hourWindow(List<Integer> h) {
    if (h.size() == 24) {
      return "";
    }
    if (runs(h).size() == 1) {
      return " between " + clock(h.getFirst(), 0, 0) + " and " + clock(h.getLast(), 59, 0);
    }
    int step = step(h);
    if (step > 0 && h.size() >= 3) {
      boolean whole = h.getFirst() == 0 && h.getLast() + step > 23;
      return " in every "
          + ordinal(step)
          + " hour"
          + (whole
              ? ""
              : " from " + clock(h.getFirst(), 0, 0) + " to " + clock(h.getLast(), 59, 0));
    }
    return " during hours " + list(h, Integer::toString, "and");
  }

  /**
   * Seconds or minutes of the enclosing minute or hour: "every minute", "every 5 minutes", "every
   * 10 minutes from minute 5", "every minute from minute 1 to 5", "at minute 30", "at minutes 15
   * and 45".
   */
  private static String units(List<Integer> v, int min, int max, String unit) {
    if (v.size() == max - min + 1) {
      return "every " + unit;
    }
    if (v.size() == 1) {
      return "at " + unit + " " + v.getFirst();
    }
    if (v.size() >= 3 && runs(v).size() == 1) {
      return "every " + unit + " from " + unit + " " + v.getFirst() + " to " + v.getLast();
    }
    int step = step(v);
    boolean toEnd = v.getLast() + step > max;
    if (step > 0 && v.getFirst() == min && toEnd) {
      return "every " + step + " " + unit + "s";
    }
    if (step > 0 && v.size() >= 3) {
      return "every "
          + step
          + " "
          + unit
          + "s from "
          + unit
          + " "
          + v.getFirst()
          + (toEnd ? "" : " to " + v.getLast());
    }
    return "at " + unit + "s " + list(v, Integer::toString, "and");
  }

  private static String clockTimes(List<Integer> h, List<Integer> m, int second) {
    List<String> times = new ArrayList<>();
    for (int hour : h) {
      for (int minute : m) {
        times.add(clock(hour, minute, second));
      }
    }
    return join(times, "and");
  }

  private static String clock(int hour, int minute, int second) {
    return second == 0
        ? "%02d:%02d".formatted(hour, minute)
        : "%02d:%02d:%02d".formatted(hour, minute, second);
  }

  // ---- days: day of month, month, day of week ----

  private static String days(CronSchedule cron) {
    List<Integer> dom = values(cron.dayOfMonth);
    List<Integer> dow = weekdays(cron.dayOfWeek);
    List<Integer> months = values(cron.month);
    // Vixie cron: with either day field starting with * a day must match both; otherwise a day
    // matches either, so a field that allows every day makes every day match.
    boolean both = cron.bothDays();
    boolean allDom = dom.size() == 31;
    boolean allDow = dow.size() == 7;
    boolean everyDom = allDom || (!both && allDow);
    boolean everyDow = allDow || (!both && allDom);
    String in = months.size() == 12 ? "" : monthNames(months);
    if (everyDom && everyDow) {
      return in.isEmpty() ? "" : "every day " + in;
    }
    String ofMonth = " of " + (in.isEmpty() ? "the month" : list(months, MONTHS::get, "and"));
    String inMonths = in.isEmpty() ? "" : " " + in;
    if (everyDow) {
      return "on " + monthDays(cron.dayOfMonth, dom) + ofMonth;
    }
    if (everyDom) {
      return weekdays(cron.dayOfWeek, dow) + inMonths;
    }
    if (both) {
      return "on "
          + monthDays(cron.dayOfMonth, dom)
          + ofMonth
          + ", only if it is also "
          + alsoWeekdays(cron.dayOfWeek, dow);
    }
    return "on "
        + monthDays(cron.dayOfMonth, dom)
        + ofMonth
        + " and "
        + weekdays(cron.dayOfWeek, dow)
        + inMonths;
  }

  /**
   * "the 1st", "the 1st and 15th", "the 8th to 14th", "odd-numbered days", "every 3rd day from…",
   * then the calendar items: "the last day", "the 4th-last day" (L-3), "the weekday nearest the
   * 15th", "the last weekday".
   */
  private static String monthDays(CronField field, List<Integer> d) {
    List<String> items = new ArrayList<>();
    if (!d.isEmpty()) {
      items.add(plainMonthDays(d));
    }
    for (int n = field.nearestWeekday.nextSetBit(1);
        n > 0;
        n = field.nearestWeekday.nextSetBit(n + 1)) {
      items.add("the weekday nearest the " + ordinal(n));
    }
    if (field.lastWeekday) {
      items.add("the last weekday");
    }
    for (int n = field.lastMinus.nextSetBit(0); n >= 0; n = field.lastMinus.nextSetBit(n + 1)) {
      items.add(n == 0 ? "the last day" : "the " + ordinal(n + 1) + "-last day");
    }
    return join(items, "and");
  }

  private static String plainMonthDays(List<Integer> d) {
    if (d.size() == 16 && step(d) == 2 && d.getFirst() == 1) {
      return "odd-numbered days";
    }
    if (d.size() == 15 && step(d) == 2 && d.getFirst() == 2) {
      return "even-numbered days";
    }
    int step = step(d);
    if (step > 0 && d.size() >= 3 && runs(d).size() > 1) {
      boolean toEnd = d.getLast() + step > 31;
      return "every "
          + ordinal(step)
          + " day"
          + (d.getFirst() == 1 ? "" : " from the " + ordinal(d.getFirst()))
          + (toEnd ? "" : " to the " + ordinal(d.getLast()));
    }
    return "the " + list(d, CronWords::ordinal, "and");
  }

  /**
   * "on Monday", "on Monday and Friday", "every day from Monday to Friday": a day of the week is
   * said the way people say it ("at 09:00 on Monday"), never as "every Monday day"; then the
   * calendar items, "on the first Monday and the last Friday of the month".
   */
  private static String weekdays(CronField field, List<Integer> d) {
    String plain = "";
    if (d.size() >= 3 && runs(d).size() == 1) {
      plain = "every day from " + DAYS.get(d.getFirst()) + " to " + DAYS.get(d.getLast());
    } else if (!d.isEmpty()) {
      plain = "on " + list(d, DAYS::get, "and");
    }
    List<String> items = calendarWeekdays(field);
    if (items.isEmpty()) {
      return plain;
    }
    return (plain.isEmpty() ? "" : plain + " and ") + "on " + join(items, "and") + " of the month";
  }

  /** The weekdays a day must also be: "a Monday", "a Monday or Friday", "the first Monday". */
  private static String alsoWeekdays(CronField field, List<Integer> d) {
    List<String> items = new ArrayList<>();
    if (!d.isEmpty()) {
      items.add("a " + list(d, DAYS::get, "or"));
    }
    for (String item : calendarWeekdays(field)) {
      items.add(item + " of the month");
    }
    return join(items, "or");
  }

  /** "the first Monday", "the last Friday", Monday first. */
  private static List<String> calendarWeekdays(CronField field) {
    List<String> items = new ArrayList<>();
    for (int day = 1; day <= 7; day++) {
      for (int k = 1; k <= 5; k++) {
        if (field.nth.get(day % 7 * 8 + k)) {
          items.add("the " + NTH.get(k) + " " + DAYS.get(day));
        }
      }
      if (field.lastOf.get(day % 7)) {
        items.add("the last " + DAYS.get(day));
      }
    }
    return items;
  }

  /** "in January", "in January and July", "from March to October". */
  private static String monthNames(List<Integer> m) {
    if (m.size() >= 3 && runs(m).size() == 1) {
      return "from " + MONTHS.get(m.getFirst()) + " to " + MONTHS.get(m.getLast());
    }
    return "in " + list(m, MONTHS::get, "and");
  }

  // ---- value sets ----

  private static List<Integer> values(CronField field) {
    List<Integer> values = new ArrayList<>();
    for (int v = field.next(field.min); v >= 0; v = field.next(v + 1)) {
      values.add(v);
    }
    return values;
  }

  /** Days of the week as 1 (Monday) to 7 (Sunday); the parser's 0 and 7 are both Sunday. */
  private static List<Integer> weekdays(CronField field) {
    List<Integer> days = new ArrayList<>();
    for (int d = 1; d <= 7; d++) {
      if (field.has(d % 7)) {
        days.add(d);
      }
    }
    return days;
  }

  /** The common difference of a set with at least two values, or 0 when there is none above 1. */
  private static int step(List<Integer> v) {
    if (v.size() < 2) {
      return 0;
    }
    int step = v.get(1) - v.get(0);
    for (int i = 2; i < v.size(); i++) {
      if (v.get(i) - v.get(i - 1) != step) {
        return 0;
      }
    }
    return step > 1 ? step : 0;
  }

  /** Maximal runs of consecutive values, each as {first, last}. */
  private static List<int[]> runs(List<Integer> v) {
    List<int[]> runs = new ArrayList<>();
    for (int value : v) {
      if (!runs.isEmpty() && runs.getLast()[1] == value - 1) {
        runs.getLast()[1] = value;
      } else {
        runs.add(new int[] {value, value});
      }
    }
    return runs;
  }

  /** "1, 2 and 7", "1 to 5 and 20": runs of three or more as a range, the rest one by one. */
  private static String list(List<Integer> v, IntFunction<String> name, String conjunction) {
    List<String> items = new ArrayList<>();
    for (int[] run : runs(v)) {
      if (run[1] - run[0] >= 2) {
        items.add(name.apply(run[0]) + " to " + name.apply(run[1]));
      } else {
        for (int x = run[0]; x <= run[1]; x++) {
          items.add(name.apply(x));
        }
      }
    }
    return join(items, conjunction);
  }

  private static String join(List<String> items, String conjunction) {
    if (items.size() == 1) {
      return items.getFirst();
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " "
        + conjunction
        + " "
        + items.getLast();
  }

  static String ordinal(int n) {
    String suffix =
        n % 100 >= 11 && n % 100 <= 13
            ? "th"
            : switch (n % 10) {
              case 1 -> "st";
              case 2 -> "nd";
              case 3 -> "rd";
              default -> "th";
            };
    return n + suffix;
  }
}
