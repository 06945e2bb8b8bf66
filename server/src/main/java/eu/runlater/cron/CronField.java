package eu.runlater.cron;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * One field of a cron expression as the set of values it allows. Accepts {@code *}, numbers, names
 * ({@code JAN}, {@code MON}), ranges {@code a-b}, steps {@code *}{@code /n}, {@code a-b/n} and
 * {@code a/n}, and comma-separated lists of those.
 */
final class CronField {
  final String name;
  final int min;
  final int max;
  final BitSet values;

  /** The field's text starts with {@code *} (Vixie cron's rule for day-of-month/day-of-week). */
  final boolean star;

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

  static CronField parse(String name, String text, int min, int max, List<String> names) {
    BitSet values = new BitSet(max + 1);
    boolean star = text.startsWith("*") || text.equals("?");
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw error(name, text, "has an empty list item");
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
        if (to < from) {
          throw error(name, text, "range " + range + " runs backwards");
        }
      } else {
        from = number(name, part, range, min, max, names);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        values.set(v);
      }
    }
    return new CronField(name, min, max, values, star);
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
