package eu.runlater.engine;

import eu.runlater.engine.http.IpLiterals;
import java.util.Arrays;

/**
 * An address block: network bytes (4 or 16) and a prefix length. Shared with the server for its
 * other operator-listed ranges (trusted proxies), so both settings accept and reject the same text.
 */
public record Cidr(byte[] network, int prefix) {

  public Cidr {
    network = network.clone();
    if (prefix < 0 || prefix > network.length * 8) {
      throw new IllegalArgumentException("prefix out of range: " + prefix);
    }
  }

  /**
   * Parses "10.0.0.0/8", "::1/128" or a single address. Strict on purpose: this is operator
   * configuration, where "010.0.0.0/8" or host bits after the prefix are more likely typos than
   * intent, so they are rejected with the reason.
   */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String addressText = slash < 0 ? text : text.substring(0, slash);
    byte[] address =
        addressText.indexOf(':') >= 0
            ? IpLiterals.parseIpv6(addressText)
            : IpLiterals.parseStrictIpv4(addressText);
    if (address == null) {
      throw new IllegalArgumentException(
          "'"
              + addressText
              + "' is neither an IPv4 address in dotted decimal without leading zeros nor an"
              + " IPv6 address");
    }
    int max = address.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String prefixText = text.substring(slash + 1);
      if (!prefixText.matches("[0-9]{1,3}") || Integer.parseInt(prefixText) > max) {
        throw new IllegalArgumentException(
            "the prefix length after / must be a number from 0 to " + max);
      }
      prefix = Integer.parseInt(prefixText);
    }
    Cidr cidr = new Cidr(address, prefix);
    if (!Arrays.equals(cidr.masked(address), address)) {
      throw new IllegalArgumentException(
          "bits are set after the prefix length; did you mean "
              + IpLiterals.format(cidr.masked(address))
              + "/"
              + prefix
              + "?");
    }
    return cidr;
  }

  /** A copy: the record stays immutable now that it is public. */
  @Override
  public byte[] network() {
    return network.clone();
  }

  public boolean contains(byte[] address) {
    return address.length == network.length && Arrays.equals(masked(address), network);
  }

  private byte[] masked(byte[] address) {
    byte[] out = address.clone();
    for (int bit = prefix; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other
        && prefix == other.prefix
        && Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    return IpLiterals.format(network) + "/" + prefix;
  }
}
