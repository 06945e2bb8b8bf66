package eu.runlater.queues;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A filter on a message's last HTTP status: one code ({@code 500}) or a class ({@code 4xx}), as the
 * dead-letter page's filter accepts it. A class matters more there than one code: a list of
 * failures is read as "the target erred" (5xx) or "we sent something wrong" (4xx).
 *
 * @param min the lowest code matched
 * @param max the highest code matched
 */
record StatusCodes(int min, int max) {
  private static final Pattern CODE = Pattern.compile("[1-5][0-9][0-9]");
  private static final Pattern CLASS = Pattern.compile("[1-5]xx");

  static StatusCodes exactly(Integer code) {
    return code == null ? null : new StatusCodes(code, code);
  }

  /**
   * Reads "500" or "5xx" (any case, spaces around ignored); null for blank input.
   *
   * @throws IllegalArgumentException with a message for people when it is neither
   */
  static StatusCodes parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (CODE.matcher(s).matches()) {
      return exactly(Integer.parseInt(s));
    }
    if (CLASS.matcher(s).matches()) {
      int base = (s.charAt(0) - '0') * 100;
      return new StatusCodes(base, base + 99);
    }
    throw new IllegalArgumentException(
        "“" + text.strip() + "” is not a status: type a code such as 500 or a class such as 4xx.");
  }

  /** As typed back into the filter field. */
  String label() {
    return min == max ? Integer.toString(min) : (min / 100) + "xx";
  }

  static Integer min(StatusCodes s) {
    return s == null ? null : s.min();
  }

  static Integer max(StatusCodes s) {
    return s == null ? null : s.max();
  }
}
