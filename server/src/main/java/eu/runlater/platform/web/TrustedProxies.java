package eu.runlater.platform.web;

import eu.runlater.engine.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse proxies whose forwarded headers this instance believes ({@code
 * RUNLATER_TRUSTED_PROXIES}: addresses and CIDR blocks, comma-separated). Empty, the default,
 * believes nobody: the client address is the connection's peer and the scheme is the connector's,
 * whatever {@code X-Forwarded-*} a request carries.
 *
 * <p>Why a list and not a range such as "private networks": anyone in such a range (another
 * container, a tenant's VM, a process on this machine) could otherwise claim any client address,
 * and with it dodge the sign-in limits; and a proxy on this same machine would make every visitor
 * look local.
 */
public final class TrustedProxies {
  private final List<Cidr> ranges;

  private TrustedProxies(List<Cidr> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /**
   * Parses the setting; blank means none.
   *
   * @throws IllegalArgumentException naming the entry and what to write instead
   */
  public static TrustedProxies parse(String setting) {
    List<Cidr> ranges = new ArrayList<>();
    if (setting != null) {
      for (String raw : setting.split(",")) {
        String entry = raw.strip();
        if (entry.isEmpty()) {
          continue;
        }
        try {
          ranges.add(Cidr.parse(entry));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "RUNLATER_TRUSTED_PROXIES: '"
                  + entry
                  + "' is not an address or CIDR block ("
                  + e.getMessage()
                  + "). List your reverse proxies' addresses, comma-separated, e.g."
                  + " RUNLATER_TRUSTED_PROXIES=10.0.0.5,192.168.1.0/24, or leave it empty when"
                  + " clients connect directly");
        }
      }
    }
    return new TrustedProxies(ranges);
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether {@code address} (an IP literal) is one of the listed proxies. */
  public boolean trusts(String address) {
    byte[] bytes = bytes(address);
    return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
  }

  /**
   * The client's address: the peer itself unless it is a listed proxy; then the right-most {@code
   * X-Forwarded-For} entry that is not a listed proxy (entries left of it were written by whoever
   * sent the request, and prove nothing). An entry that is no IP address ends the walk at the proxy
   * that wrote it. When every entry is a listed proxy, the left-most one.
   *
   * @param forwardedFor every {@code X-Forwarded-For} header value, in order
   */
  public String clientAddress(String peer, List<String> forwardedFor) {
    if (!trusts(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.strip());
        }
      }
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = literal(hops.get(i));
      if (hop == null) {
        return client;
      }
      client = hop;
      if (!trusts(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** The address in an entry ("203.0.113.7", "[2001:db8::1]:4711", "203.0.113.7:4711"), or null. */
  private static String literal(String entry) {
    String text = entry;
    if (text.startsWith("[")) {
      int end = text.indexOf(']');
      text = end < 0 ? text : text.substring(1, end);
    } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
      text = text.substring(0, text.indexOf(':')); // IPv4 with a port
    }
    byte[] bytes = bytes(text);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  private static byte[] bytes(String address) {
    if (address == null || address.isEmpty()) {
      return null;
    }
    try {
      return InetAddress.ofLiteral(address).getAddress();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return ranges.isEmpty() ? "none" : ranges.toString();
  }
}
