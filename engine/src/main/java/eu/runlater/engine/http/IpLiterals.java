package eu.runlater.engine.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses IP address literals ourselves instead of asking {@link java.net.InetAddress}.
 *
 * <p>Why: an SSRF check is only as good as its idea of which address a host string means, and that
 * must match what the resolver underneath would do with it. glibc's {@code getaddrinfo} accepts
 * every {@code inet_aton} form ("127.1", "0x7f.1", "017700000001", "2130706433"), browsers accept
 * the same plus a trailing dot, while {@code InetAddress.getByName} rejects some of those and then
 * hands them to the native resolver anyway. So IPv4 follows the WHATWG URL standard's IPv4 parser
 * (inet_aton semantics plus the trailing dot), and anything that <em>ends in a number</em> but does
 * not parse is malformed rather than a host name, so it never reaches a resolver.
 *
 * <p>Public only for {@link eu.runlater.engine.Cidr}; like the rest of this package it is no API.
 */
public final class IpLiterals {
  private IpLiterals() {}

  /** A host string that looks numeric but is no valid IPv4 address ("1.2.3.256", "08.1"). */
  static final class MalformedLiteralException extends Exception {
    MalformedLiteralException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The 4 address bytes when {@code host} is an IPv4 literal in any inet_aton encoding, null when
   * it is a host name.
   *
   * @throws MalformedLiteralException when the host ends in a number but is not a valid address
   */
  static byte[] parseIpv4(String host) throws MalformedLiteralException {
    List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
    if (parts.size() > 1 && parts.getLast().isEmpty()) {
      parts.removeLast(); // "127.0.0.1." is the same address
    }
    if (!endsInNumber(parts.getLast())) {
      return null;
    }
    if (parts.size() > 4) {
      throw new MalformedLiteralException("has more than four numeric parts");
    }
    long[] numbers = new long[parts.size()];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = parseNumber(parts.get(i));
      if (numbers[i] < 0) {
        throw new MalformedLiteralException("part '" + parts.get(i) + "' is not a number");
      }
    }
    for (int i = 0; i < numbers.length - 1; i++) {
      if (numbers[i] > 255) {
        throw new MalformedLiteralException("part '" + parts.get(i) + "' is larger than 255");
      }
    }
    long last = numbers[numbers.length - 1];
    if (last >= 1L << (8 * (5 - numbers.length))) {
      throw new MalformedLiteralException("the address is out of range");
    }
    long value = last;
    for (int i = 0; i < numbers.length - 1; i++) {
      value += numbers[i] << (8 * (3 - i));
    }
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  private static boolean endsInNumber(String last) {
    if (last.isEmpty()) {
      return false;
    }
    return last.chars().allMatch(c -> c >= '0' && c <= '9') || parseNumber(last) >= 0;
  }

  /** One inet_aton part: "0x.." hex, "0.." octal, else decimal; -1 when not a number. */
  private static long parseNumber(String part) {
    if (part.isEmpty()) {
      return -1;
    }
    int radix = 10;
    String digits = part;
    if (part.length() >= 2 && part.charAt(0) == '0' && (part.charAt(1) | 0x20) == 'x') {
      radix = 16;
      digits = part.substring(2);
    } else if (part.length() >= 2 && part.charAt(0) == '0') {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty()) {
      return 0; // "0x" is zero, as in the WHATWG parser
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0 || digits.charAt(i) > 'z') {
        return -1;
      }
    }
    String significant = digits.replaceFirst("^0+(?=.)", "");
    if (significant.length() > 12) {
      return Long.MAX_VALUE; // far out of range, and safe from overflow
    }
    return Long.parseLong(significant, radix);
  }

  /**
   * The 16 address bytes of an IPv6 literal without brackets or zone ("::1", "::ffff:127.0.0.1"),
   * or null when it is not one.
   */
  public static byte[] parseIpv6(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return null;
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    List<Integer> head;
    List<Integer> tail;
    if (gap >= 0) {
      head = groups(text.substring(0, gap), false);
      tail = groups(text.substring(gap + 2), true);
    } else {
      head = groups(text, true);
      tail = List.of();
    }
    if (head == null || tail == null) {
      return null;
    }
    int count = head.size() + tail.size();
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < head.size(); i++) {
      out[2 * i] = (byte) (head.get(i) >>> 8);
      out[2 * i + 1] = (byte) (int) head.get(i);
    }
    int offset = 8 - tail.size();
    for (int i = 0; i < tail.size(); i++) {
      out[2 * (offset + i)] = (byte) (tail.get(i) >>> 8);
      out[2 * (offset + i) + 1] = (byte) (int) tail.get(i);
    }
    return out;
  }

  /** 16-bit groups of one side of "::"; a dotted IPv4 tail counts as two groups. */
  private static List<Integer> groups(String side, boolean mayEndInIpv4) {
    List<Integer> out = new ArrayList<>();
    if (side.isEmpty()) {
      return out;
    }
    String[] items = side.split(":", -1);
    for (int i = 0; i < items.length; i++) {
      String item = items[i];
      if (i == items.length - 1 && mayEndInIpv4 && item.indexOf('.') >= 0) {
        byte[] v4 = parseStrictIpv4(item);
        if (v4 == null) {
          return null;
        }
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
      } else {
        if (item.isEmpty() || item.length() > 4) {
          return null;
        }
        int value = 0;
        for (int k = 0; k < item.length(); k++) {
          int d = Character.digit(item.charAt(k), 16);
          if (d < 0 || item.charAt(k) > 'f') {
            return null;
          }
          value = value * 16 + d;
        }
        out.add(value);
      }
    }
    return out;
  }

  /**
   * Dotted-quad decimal only, no leading zeros: the form allowed inside IPv6 literals and in the
   * operator's CIDR list, where "010" would be ambiguous.
   */
  public static byte[] parseStrictIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int value = 0;
      for (int k = 0; k < p.length(); k++) {
        char c = p.charAt(k);
        if (c < '0' || c > '9') {
          return null;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return null;
      }
      out[i] = (byte) value;
    }
    return out;
  }

  /** Canonical text: dotted quad, or RFC 5952 IPv6 (IPv4-mapped shown as ::ffff:a.b.c.d). */
  public static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff)
          + "."
          + (address[1] & 0xff)
          + "."
          + (address[2] & 0xff)
          + "."
          + (address[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    boolean mapped = true;
    for (int i = 0; i < 5; i++) {
      mapped &= groups[i] == 0;
    }
    if (mapped && groups[5] == 0xffff) {
      byte[] v4 = {address[12], address[13], address[14], address[15]};
      return "::ffff:" + format(v4);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952: never compress a single zero group
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
