package eu.runlater.engine.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves host names to addresses. A seam so that tests can make a name resolve to whatever they
 * need (a loopback server, a different answer on the second lookup) without touching real DNS.
 */
@FunctionalInterface
public interface HostResolver {

  /**
   * Every address the name resolves to, in preference order.
   *
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The operating system's resolver ({@link InetAddress#getAllByName}), with the JVM's cache. */
  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
