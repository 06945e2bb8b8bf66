package eu.runlater.engine.http;

import eu.runlater.engine.Cidr;
import java.util.List;

/**
 * The address blocks a webhook must not reach by default, each with the words used in refusals.
 *
 * <p>Sources: the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and successors),
 * plus the well-known cloud metadata endpoints, named separately because "link-local" does not tell
 * a user why their URL was refused. Order matters: the first matching block names the reason, so
 * narrower blocks come before the blocks that contain them.
 */
final class SpecialRanges {
  private SpecialRanges() {}

  private record Range(Cidr cidr, String kind) {}

  private static Range range(String cidr, String kind) {
    return new Range(cidr(cidr), kind);
  }

  /** For the built-in tables, whose text is known to be well formed. */
  private static Cidr cidr(String text) {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(text, e);
    }
  }

  private static final List<Range> IPV4 =
      List.of(
          range("169.254.169.254/32", "cloud metadata address"),
          range("169.254.170.2/32", "cloud metadata address"),
          range("100.100.100.200/32", "cloud metadata address"),
          range("0.0.0.0/8", "\"this network\" address"),
          range("10.0.0.0/8", "private address"),
          range("100.64.0.0/10", "shared (carrier-grade NAT) address"),
          range("127.0.0.0/8", "loopback address"),
          range("169.254.0.0/16", "link-local address"),
          range("172.16.0.0/12", "private address"),
          range("192.0.0.0/24", "IETF protocol assignment address"),
          range("192.0.2.0/24", "documentation address"),
          range("192.88.99.0/24", "6to4 relay anycast address"),
          range("192.168.0.0/16", "private address"),
          range("198.18.0.0/15", "benchmarking address"),
          range("198.51.100.0/24", "documentation address"),
          range("203.0.113.0/24", "documentation address"),
          range("224.0.0.0/4", "multicast address"),
          range("255.255.255.255/32", "broadcast address"),
          range("240.0.0.0/4", "reserved address"));

  /**
   * IPv6 blocks refused outright. IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) and 6to4
   * (2002::/16) are absent: they are judged by the IPv4 address they carry, see {@link
   * #embeddedIpv4}.
   */
  private static final List<Range> IPV6 =
      List.of(
          range("::/128", "unspecified address"),
          range("::1/128", "loopback address"),
          range("::/96", "IPv4-compatible address"),
          range("64:ff9b:1::/48", "local-use NAT64 address"),
          range("100::/64", "discard-only address"),
          range("2001::/32", "Teredo address"),
          range("2001:2::/48", "benchmarking address"),
          range("2001:10::/28", "ORCHID address"),
          range("2001:20::/28", "ORCHID address"),
          range("2001:db8::/32", "documentation address"),
          range("3fff::/20", "documentation address"),
          range("fd00:ec2::254/128", "cloud metadata address"),
          range("fc00::/7", "unique local address"),
          range("fe80::/10", "link-local address"),
          range("fec0::/10", "site-local address"),
          range("ff00::/8", "multicast address"));

  private static final Cidr IPV4_MAPPED = cidr("::ffff:0:0/96");
  private static final Cidr NAT64 = cidr("64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = cidr("2002::/16");

  /** "loopback address 127.0.0.1", or null when the address is in no special block. */
  static String reason(byte[] address) {
    for (Range r : address.length == 4 ? IPV4 : IPV6) {
      if (r.cidr().contains(address)) {
        return r.kind() + " " + IpLiterals.format(address);
      }
    }
    return null;
  }

  /** The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), or null. */
  static byte[] embeddedIpv4(byte[] address) {
    if (address.length != 16) {
      return null;
    }
    if (IPV4_MAPPED.contains(address) || NAT64.contains(address)) {
      return new byte[] {address[12], address[13], address[14], address[15]};
    }
    if (SIX_TO_FOUR.contains(address)) {
      return new byte[] {address[2], address[3], address[4], address[5]};
    }
    return null;
  }
}
