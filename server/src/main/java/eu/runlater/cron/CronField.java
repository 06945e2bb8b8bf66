package eu.runlater.cron;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * One field of a cron expression as the set of values it allows. Accepts {@code *}, numbers, names
 * ({@code JAN}, {@code MON}), ranges {@code a-b}, steps {@code *}{@code /n}, {@code a-b/n} and
 * {@code a/n}, and comma-separated lists of those. Month and day-of-week ranges may wrap around
 * ({@code NOV-FEB}, {@code FRI-MON}). The day fields also take calendar items whose days depend on
 * the month: day-of-month {@code L} (the last day), {@code L-3} (three days before it), {@code 15W}
 * (the weekday nearest the 15th) and {@code LW} (the last weekday); day-of-week {@code 1#2} (the
 * second Monday) and {@code 5L} (the last Friday).
 */
final class CronField {
  enum Kind {
    PLAIN,
    MONTH,
    DAY_OF_MONTH,
    DAY_OF_WEEK
  }

  final String name;
  final int min;
  final int max;
  final BitSet values;

  /** The field's text starts with {@code *} or is {@code ?} (Vixie cron's day-field rule). */
  final boolean star;

  /** Day-of-month {@code L-n}: bit n for the day n days before the month's last (L is L-0). */
  final BitSet lastMinus = new BitSet();

  /** Day-of-month {@code nW}: bit n for the weekday nearest the nth. */
  final BitSet nearestWeekday = new BitSet();

  /** Day-of-month {@code LW}: the month's last weekday (Monday to Friday). */
  boolean lastWeekday;

  /** Day-of-week {@code d#k}: bit {@code d * 8 + k} for the kth weekday d (0 Sunday) of a month. */
  final BitSet nth = new BitSet();

  /** Day-of-week {@code dL}: bit d for the month's last weekday d (0 Sunday). */
  final BitSet lastOf = new BitSet();

  private CronField(String name, int min, int max, BitSet values, boolean star) {
    this.name = name;
    this.min = min;
    this.max = max;
    this.values = values;
    this.star = star;
  }

  boolean has(int value) {
    return values.get(value);
  }

  /** The smallest allowed value at or above {@code from}, or -1. */
  int next(int from) {
    int n = values.nextSetBit(Math.max(from, min));
    return n > max ? -1 : n;
  }

  boolean full() {
    return values.cardinality() == max - min + 1;
  }

  /** Whether the field has calendar items ({@code L}, {@code W}, {@code #}). */
  boolean calendar() {
    return !lastMinus.isEmpty()
        || !nearestWeekday.isEmpty()
        || lastWeekday
        || !nth.isEmpty()
        || !lastOf.isEmpty();
  }

  /** Day-of-month: whether {@code date} is one of the field's days. */
  boolean matchesDayOfMonth(LocalDate date) {
    int day = date.getDayOfMonth();
    int length = date.lengthOfMonth();
    if (values.get(day) || lastMinus.get(length - day)) {
      return true;
    }
    if (isWeekend(date)) {
      return false;
    }
    if (lastWeekday && day == nearestWeekday(date, length)) {
      return true;
    }
    for (int n = nearestWeekday.nextSetBit(1); n > 0; n = nearestWeekday.nextSetBit(n + 1)) {
      if (n <= length && day == nearestWeekday(date, n)) {
        return true;
      }
    }
    return false;
  }

  /** Day-of-week: whether {@code date} is one of the field's days. */
  boolean matchesDayOfWeek(LocalDate date) {
    int weekday = date.getDayOfWeek().getValue() % 7;
    if (values.get(weekday)) {
      return true;
    }
    int k = (date.getDayOfMonth() - 1) / 7 + 1;
    return nth.get(weekday * 8 + k)
        || (lastOf.get(weekday) && date.getDayOfMonth() + 7 > date.lengthOfMonth());
  }

  private static boolean isWeekend(LocalDate date) {
    return date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  /**
   * The weekday nearest the {@code n}th of {@code date}'s month, never in another month: a Saturday
   * moves to the Friday before (the Monday after when that is in the previous month), a Sunday to
   * the Monday after (the Friday before when that is in the next month).
   */
  static int nearestWeekday(LocalDate date, int n) {
    LocalDate target = date.withDayOfMonth(n);
    int length = date.lengthOfMonth();
    return switch (target.getDayOfWeek()) {
      case SATURDAY -> n > 1 ? n - 1 : n + 2;
      case SUNDAY -> n < length ? n + 1 : n - 2;
      default -> n;
    };
  }

  static CronField parse(String name, String text, int min, int max, List<String> names) {
    return parse(name, text, min, max, names, Kind.PLAIN);
  }

  static CronField parse(
      String name, String text, int min, int max, List<String> names, Kind kind) {
    BitSet values = new BitSet(max + 1);
    boolean star = text.startsWith("*") || text.equals("?");
    CronField field = new CronField(name, min, max, values, star);
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw error(name, text, "has an empty list item");
      }
      String upper = part.toUpperCase(Locale.ROOT);
      if (kind == Kind.DAY_OF_MONTH && calendarDay(field, part, upper)) {
        continue;
      }
      if (kind == Kind.DAY_OF_WEEK && calendarWeekday(field, part, upper, names)) {
        continue;
      }
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(name, part, part.substring(slash + 1), 1, max, List.of());
      }
      int from;
      int to;
      if (range.equals("*") || range.equals("?")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] bounds = range.split("-", -1);
        if (bounds.length != 2) {
          throw error(name, text, "'" + range + "' is not a range like 1-5");
        }
        from = number(name, part, bounds[0], min, max, names);
        to = number(name, part, bounds[1], min, max, names);
        if (kind == Kind.DAY_OF_WEEK && to == 0 && from > 0) {
          to = 7; // FRI-SUN: Sunday closes the week
        }
        if (to < from) {
          if (kind != Kind.MONTH && kind != Kind.DAY_OF_WEEK) {
            throw error(name, text, "range " + range + " runs backwards");
          }
          // NOV-FEB, FRI-MON: round the year or the week.
          int size = kind == Kind.MONTH ? 12 : 7;
          int count = Math.floorMod(to - from, size) + 1;
          for (int i = 0; i < count; i += step) {
            values.set(min + Math.floorMod(from - min + i, size));
          }
          continue;
        }
      } else {
        from = number(name, part, range, min, max, names);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        values.set(v);
      }
    }
    if (kind == Kind.DAY_OF_WEEK && values.get(7)) {
      values.set(0); // Sunday is 0 and 7
    }
    return field;
  }

  /** Day-of-month {@code L}, {@code L-n}, {@code LW}, {@code nW}; false for any other item. */
  private static boolean calendarDay(CronField field, String part, String upper) {
    if (upper.equals("L")) {
      field.lastMinus.set(0);
    } else if (upper.startsWith("L-")) {
      field.lastMinus.set(number(field.name, part, part.substring(2), 0, 30, List.of()));
    } else if (upper.equals("LW")) {
      field.lastWeekday = true;
    } else if (upper.endsWith("W") && !upper.contains("/") && !upper.contains("-")) {
      field.nearestWeekday.set(
          number(field.name, part, part.substring(0, part.length() - 1), 1, 31, List.of()));
    } else if (upper.contains("L") || upper.contains("W")) {
      throw error(
          field.name,
          part,
          "use L (last day), L-3 (3 days before it), 15W (weekday nearest the 15th) or LW");
    } else {
      return false;
    }
    return true;
  }

  /** Day-of-week {@code d#k} and {@code dL}; false for any other item. */
  private static boolean calendarWeekday(
      CronField field, String part, String upper, List<String> names) {
    int hash = upper.indexOf('#');
    if (hash >= 0) {
      int day = number(field.name, part, part.substring(0, hash), 0, 7, names) % 7;
      int k = number(field.name, part, part.substring(hash + 1), 1, 5, List.of());
      field.nth.set(day * 8 + k);
      return true;
    }
    if (upper.equals("L")) {
      throw error(field.name, part, "L needs a day before it, e.g. 5L for the last Friday");
    }
    if (upper.endsWith("L") && !names.contains(upper)) {
      int day = number(field.name, part, part.substring(0, part.length() - 1), 0, 7, names);
      field.lastOf.set(day % 7);
      return true;
    }
    return false;
  }

  private static int number(
      String field, String part, String text, int min, int max, List<String> names) {
    String upper = text.toUpperCase(Locale.ROOT);
    int index = names.indexOf(upper);
    if (index >= 0) {
      return index;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw error(
          field,
          part,
          "'"
              + text
              + "' is not a number"
              + (names.isEmpty() ? "" : " or a name like " + names.get(1)));
    }
    if (value < min || value > max) {
      throw error(field, part, value + " is out of range " + min + "-" + max);
    }
    return value;
  }

  static CronParseException error(String field, String text, String why) {
    return new CronParseException(field + " field '" + text + "': " + why);
  }
}
