package eu.runlater.engine.http;

import java.net.UnknownHostException;

/**
 * Thrown by the resolver when a host is refused by the {@link AddressPolicy}. An {@link
 * UnknownHostException} because that is all HttpClient's {@code DnsResolver} may throw; {@link
 * Failures} tells the two apart.
 */
final class TargetRefusedException extends UnknownHostException {
  TargetRefusedException(String message) {
    super(message);
  }
}
