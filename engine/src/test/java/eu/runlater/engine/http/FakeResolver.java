package eu.runlater.engine.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link HostResolver} with scripted answers: each host has a list of answers, the n-th lookup
 * gets the n-th answer (the last one repeats). Unknown hosts do not resolve. Records every lookup.
 */
final class FakeResolver implements HostResolver {
  private final Map<String, List<List<InetAddress>>> answers = new ConcurrentHashMap<>();
  private final List<String> lookups = new CopyOnWriteArrayList<>();

  /** Adds the next answer for a host, given as IP literals. */
  FakeResolver answer(String host, String... addresses) {
    List<InetAddress> answer = new ArrayList<>();
    for (String a : addresses) {
      answer.add(literal(a));
    }
    answers.computeIfAbsent(host, h -> new CopyOnWriteArrayList<>()).add(List.copyOf(answer));
    return this;
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    int n = (int) lookups.stream().filter(host::equals).count();
    lookups.add(host);
    List<List<InetAddress>> scripted = answers.get(host);
    if (scripted == null) {
      throw new UnknownHostException(host);
    }
    return scripted.get(Math.min(n, scripted.size() - 1));
  }

  List<String> lookups() {
    return List.copyOf(lookups);
  }

  int lookups(String host) {
    return (int) lookups.stream().filter(host::equals).count();
  }

  /**
   * An address from a literal, without any lookup. IPv6 stays IPv6 even when IPv4-mapped (as a
   * resolver may return it), unlike {@link InetAddress#getByAddress(byte[])}.
   */
  static InetAddress literal(String text) {
    try {
      if (text.indexOf(':') >= 0) {
        return Inet6Address.getByAddress(null, IpLiterals.parseIpv6(text), -1);
      }
      return InetAddress.getByAddress(IpLiterals.parseStrictIpv4(text));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
