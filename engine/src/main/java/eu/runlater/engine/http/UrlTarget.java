package eu.runlater.engine.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * What a webhook URL points at, read the way an HTTP client would read it.
 *
 * <p>{@link URI#getHost()} returns null for hosts such as "127.1" or "0x7f.0.0.1" (it falls back to
 * a "registry-based" authority), yet HTTP clients, HttpClient 5 included, still connect to them. So
 * the authority is parsed here from its raw text, and literals are decoded with {@link IpLiterals}.
 *
 * @param scheme "http" or "https"
 * @param host lower-case host as written (IPv6 without brackets and zone), for messages
 * @param connectHost the name handed to the connection: the canonical text of a literal, otherwise
 *     {@code host} without a trailing dot
 * @param port the port from the URL, or -1 when absent
 * @param literal the address when the host is an IP literal, else null
 * @param localName whether the host is "localhost" or a name under ".localhost" (RFC 6761)
 */
record UrlTarget(
    String scheme,
    String host,
    String connectHost,
    int port,
    InetAddress literal,
    boolean localName) {

  /** A URL problem a user can fix; the message says how. */
  static final class InvalidUrlException extends Exception {
    InvalidUrlException(String message) {
      super(message, null, false, false);
    }
  }

  int effectivePort() {
    return port >= 0 ? port : scheme.equals("https") ? 443 : 80;
  }

  static UrlTarget parse(URI url) throws InvalidUrlException {
    if (url == null) {
      throw new InvalidUrlException("a URL is required");
    }
    String scheme = url.getScheme();
    if (scheme == null) {
      throw new InvalidUrlException("the URL must be absolute and start with https:// or http://");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidUrlException("the URL scheme must be http or https, not " + scheme);
    }
    String authority = url.getRawAuthority();
    if (url.isOpaque() || authority == null || authority.isEmpty()) {
      throw new InvalidUrlException(
          "the URL must include a host, as in https://example.com/webhook");
    }
    if (url.getRawUserInfo() != null || authority.indexOf('@') >= 0) {
      throw new InvalidUrlException(
          "the URL must not contain credentials (user:password@); send them in a header");
    }
    String hostText;
    String portText;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw new InvalidUrlException("the IPv6 address in the URL is missing its closing ]");
      }
      hostText = authority.substring(1, close);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw new InvalidUrlException("unexpected text after the IPv6 address: " + rest);
      }
      portText = rest.isEmpty() ? "" : rest.substring(1);
      return ipv6(scheme, hostText, port(portText));
    }
    int colon = authority.indexOf(':');
    if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
      throw new InvalidUrlException(
          "IPv6 addresses must be written in brackets, as in http://[2001:db8::1]/");
    }
    hostText = colon < 0 ? authority : authority.substring(0, colon);
    portText = colon < 0 ? "" : authority.substring(colon + 1);
    return named(scheme, hostText, port(portText));
  }

  private static int port(String text) throws InvalidUrlException {
    if (text.isEmpty()) {
      return -1;
    }
    if (!text.matches("[0-9]{1,5}")
        || Integer.parseInt(text) < 1
        || Integer.parseInt(text) > 65535) {
      throw new InvalidUrlException("the port must be a number from 1 to 65535, not " + text);
    }
    return Integer.parseInt(text);
  }

  private static UrlTarget ipv6(String scheme, String text, int port) throws InvalidUrlException {
    int percent = text.indexOf('%');
    if (percent < 0) {
      return ipv6(scheme, text, null, port);
    }
    // RFC 6874 writes the zone separator as "%25" inside URLs.
    if (!text.startsWith("25", percent + 1)) {
      throw new InvalidUrlException("the IPv6 zone in the URL must be written as %25<zone>");
    }
    return ipv6(scheme, text.substring(0, percent), text.substring(percent + 3), port);
  }

  private static UrlTarget ipv6(String scheme, String text, String zone, int port)
      throws InvalidUrlException {
    if (zone != null && !zone.matches("[A-Za-z0-9._~-]+")) {
      throw new InvalidUrlException("the IPv6 zone '" + zone + "' is not valid");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    byte[] bytes = IpLiterals.parseIpv6(lower);
    if (bytes == null) {
      throw new InvalidUrlException("[" + text + "] is not a valid IPv6 address");
    }
    InetAddress address = address(bytes, zone);
    String canonical = IpLiterals.format(address.getAddress());
    String connect = zone == null ? canonical : canonical + "%" + zone;
    return new UrlTarget(scheme, lower, connect, port, address, false);
  }

  /**
   * Reads a host name as the connection layer passes it back to the resolver: unbracketed IPv6 with
   * a plain "%zone", a dotted quad, or a name.
   */
  static UrlTarget ofConnectHost(String name) throws InvalidUrlException {
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (name.indexOf(':') >= 0) {
      int percent = name.indexOf('%');
      return percent < 0
          ? ipv6("http", name, null, -1)
          : ipv6("http", name.substring(0, percent), name.substring(percent + 1), -1);
    }
    return named("http", name, -1);
  }

  private static UrlTarget named(String scheme, String text, int port) throws InvalidUrlException {
    if (text.isEmpty()) {
      throw new InvalidUrlException(
          "the URL must include a host, as in https://example.com/webhook");
    }
    // Only plain ASCII names: percent-encoded or Unicode hosts are decoded differently by
    // different resolvers (fullwidth "１２７.０.０.１" becomes 127.0.0.1 under IDNA), so a user
    // writes the punycode form instead.
    if (!text.matches("[A-Za-z0-9._-]+")) {
      throw new InvalidUrlException(
          "the host '"
              + text
              + "' may contain only letters, digits, '.', '-' and '_'; write international"
              + " names in their xn-- form");
    }
    String host = text.toLowerCase(Locale.ROOT);
    byte[] v4;
    try {
      v4 = IpLiterals.parseIpv4(host);
    } catch (IpLiterals.MalformedLiteralException e) {
      throw new InvalidUrlException(
          "the host '" + text + "' looks like an IPv4 address but is not one: " + e.getMessage());
    }
    if (v4 != null) {
      InetAddress address = address(v4, null);
      return new UrlTarget(scheme, host, IpLiterals.format(v4), port, address, false);
    }
    // "example.com." is the same name; without the dot, SNI and certificate checks accept it.
    String bare = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (bare.isEmpty() || bare.startsWith(".") || bare.contains("..")) {
      throw new InvalidUrlException("the host '" + text + "' has an empty label");
    }
    boolean local = bare.equals("localhost") || bare.endsWith(".localhost");
    return new UrlTarget(scheme, host, bare, port, null, local);
  }

  /** Builds the address from bytes: never a DNS lookup. */
  private static InetAddress address(byte[] bytes, String zone) throws InvalidUrlException {
    try {
      if (zone == null) {
        return InetAddress.getByAddress(bytes);
      }
      if (zone.matches("[0-9]+")) {
        return Inet6Address.getByAddress(null, bytes, Integer.parseInt(zone));
      }
      NetworkInterface nic = NetworkInterface.getByName(zone);
      if (nic == null) {
        // Unknown here, but still an address we can judge; it just cannot be connected to.
        return Inet6Address.getByAddress(null, bytes, 0);
      }
      return Inet6Address.getByAddress(null, bytes, nic);
    } catch (UnknownHostException | SocketException | NumberFormatException e) {
      throw new InvalidUrlException("the IPv6 zone " + zone + " is not usable here");
    }
  }
}
