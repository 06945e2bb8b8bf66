package eu.runlater.engine.http;

import eu.runlater.engine.Cidr;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which destinations a webhook may reach: the SSRF guard's rule book.
 *
 * <p>By default only public addresses: a job's URL is user input, and without this a user could
 * make the server call its own admin endpoints, the database, the cloud metadata service or
 * anything else on the private network. The operator can widen it with {@code
 * RUNLATER_ALLOW_PRIVATE_TARGETS} (see {@link #parse}), for example to deliver to services on the
 * same host during development.
 *
 * <p>The same policy is applied twice: to the URL when a job is created ({@link #checkUrl}, no
 * DNS), and to every address the host name resolves to when a request is sent ({@link
 * HttpDelivery}), so a name that resolves to a private address is refused too.
 */
public final class AddressPolicy {
  private static final String ACCEPTED_FORMS =
      "Accepted values: false (public addresses only, the default), true (every address), or a"
          + " comma-separated list of CIDRs allowed in addition to public addresses, such as"
          + " 127.0.0.0/8,10.1.0.0/16,::1/128";

  private static final byte[] IPV4_LOOPBACK = {127, 0, 0, 1};

  private static final AddressPolicy PUBLIC_ONLY = new AddressPolicy(false, List.of());
  private static final AddressPolicy ALLOW_ALL = new AddressPolicy(true, List.of());

  private final boolean allowAll;
  private final List<Cidr> allowed;

  private AddressPolicy(boolean allowAll, List<Cidr> allowed) {
    this.allowAll = allowAll;
    this.allowed = List.copyOf(allowed);
  }

  /** Public addresses only: the default. */
  public static AddressPolicy publicOnly() {
    return PUBLIC_ONLY;
  }

  /**
   * Reads {@code RUNLATER_ALLOW_PRIVATE_TARGETS}: null, blank or "false" for public addresses only;
   * "true" for every address; otherwise a comma-separated list of CIDRs (IPv4 and IPv6, e.g.
   * "127.0.0.0/8,10.1.0.0/16,::1/128"; a bare address means that one address) allowed in addition
   * to public addresses.
   *
   * @throws IllegalArgumentException naming the bad entry and listing the accepted forms
   */
  public static AddressPolicy parse(String allowPrivateTargets) {
    if (allowPrivateTargets == null || allowPrivateTargets.isBlank()) {
      return PUBLIC_ONLY;
    }
    String value = allowPrivateTargets.strip();
    if (value.equalsIgnoreCase("false")) {
      return PUBLIC_ONLY;
    }
    if (value.equalsIgnoreCase("true")) {
      return ALLOW_ALL;
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      String entry = item.strip();
      if (entry.isEmpty()) {
        continue;
      }
      try {
        cidrs.add(Cidr.parse(entry));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "RUNLATER_ALLOW_PRIVATE_TARGETS: '"
                + entry
                + "' is not a valid CIDR ("
                + e.getMessage()
                + "). "
                + ACCEPTED_FORMS,
            e);
      }
    }
    return cidrs.isEmpty() ? PUBLIC_ONLY : new AddressPolicy(false, cidrs);
  }

  /** Null when the address may be reached, else a short reason such as "loopback address ::1". */
  public String refusal(InetAddress address) {
    return refusal(address.getAddress());
  }

  String refusal(byte[] address) {
    if (allowAll || isAllowed(address)) {
      return null;
    }
    byte[] embedded = SpecialRanges.embeddedIpv4(address);
    if (embedded != null) {
      String reason = refusal(embedded);
      return reason == null ? null : reason + " (inside " + IpLiterals.format(address) + ")";
    }
    return SpecialRanges.reason(address);
  }

  private boolean isAllowed(byte[] address) {
    for (Cidr cidr : allowed) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks a webhook URL before it is stored, without DNS: the scheme must be http or https, a host
   * is required, credentials (user:pass@) are not allowed, and a host that is an IP literal in any
   * encoding, or "localhost" / a name under ".localhost", must be an allowed address.
   *
   * @return null when the URL is acceptable, else what to fix
   */
  public String checkUrl(URI url) {
    UrlTarget target;
    try {
      target = UrlTarget.parse(url);
    } catch (UrlTarget.InvalidUrlException e) {
      return e.getMessage();
    }
    String reason = refusal(target);
    return reason == null ? null : refusedMessage(target.host(), reason);
  }

  /** The reason a parsed URL's host is refused before any lookup, or null. */
  String refusal(UrlTarget target) {
    if (target.literal() != null) {
      return refusal(target.literal());
    }
    if (target.localName()) {
      String reason = refusal(IPV4_LOOPBACK);
      return reason == null ? null : "loopback host name";
    }
    return null;
  }

  static String refusedMessage(String host, String reason) {
    return "the host "
        + host
        + " is not allowed: "
        + reason
        + ". Webhooks may only reach public addresses unless the operator allows more with"
        + " RUNLATER_ALLOW_PRIVATE_TARGETS";
  }

  @Override
  public String toString() {
    if (allowAll) {
      return "TargetPolicy[every address]";
    }
    if (allowed.isEmpty()) {
      return "TargetPolicy[public addresses only]";
    }
    return allowed.stream()
        .map(Cidr::toString)
        .collect(Collectors.joining(", ", "TargetPolicy[public addresses and ", "]"));
  }
}
