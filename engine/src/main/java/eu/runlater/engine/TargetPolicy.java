package eu.runlater.engine;

import eu.runlater.engine.http.AddressPolicy;
import java.net.URI;
import java.util.Objects;

/**
 * Which destinations deliveries may reach: the SSRF guard, from the operator's {@code
 * RUNLATER_ALLOW_PRIVATE_TARGETS}. Public addresses only by default.
 *
 * <p>One policy serves twice: the server checks a URL with {@link #checkUrl} when a job or message
 * is created (no DNS), and the engine, given the same policy ({@link Engine.Builder#targets}),
 * checks every address a host name resolves to when it sends, so a name that resolves to a private
 * address is refused too.
 */
public final class TargetPolicy {
  private static final TargetPolicy PUBLIC_ONLY = new TargetPolicy(AddressPolicy.publicOnly());

  private final AddressPolicy rules;

  private TargetPolicy(AddressPolicy rules) {
    this.rules = Objects.requireNonNull(rules);
  }

  /** Public addresses only: the default. */
  public static TargetPolicy publicOnly() {
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
  public static TargetPolicy parse(String allowPrivateTargets) {
    return new TargetPolicy(AddressPolicy.parse(allowPrivateTargets));
  }

  /**
   * Checks a webhook URL before it is stored, without DNS: the scheme must be http or https, a host
   * is required, credentials (user:pass@) are not allowed, and a host that is an IP literal in any
   * encoding, or "localhost" / a name under ".localhost", must be an allowed address.
   *
   * @return null when the URL is acceptable, else what to fix
   */
  public String checkUrl(URI url) {
    return rules.checkUrl(url);
  }

  /** The rules the engine's HTTP client applies. */
  AddressPolicy rules() {
    return rules;
  }

  @Override
  public String toString() {
    return rules.toString();
  }
}
