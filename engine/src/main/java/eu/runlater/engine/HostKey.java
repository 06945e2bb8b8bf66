package eu.runlater.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The target under which backpressure and circuits are kept, within one organization: the URL's
 * origin in lower case with the scheme's default port made explicit ({@code
 * https://example.com:443}). The port is part of it because two services on two ports of one
 * machine fail and throttle independently (and because tests run several receivers on one loopback
 * address); the scheme because {@code http} and {@code https} on one port are two different
 * servers. The organization is not part of the text: it is the other half of the key ({@code
 * host_states} and {@code tasks} carry it). An unparseable URL has the empty key and is never
 * throttled; its delivery fails as invalid anyway.
 */
public final class HostKey {
  private HostKey() {}

  public static String of(String url) {
    try {
      URI uri = new URI(url);
      String host = uri.getHost();
      String scheme = uri.getScheme();
      if (host == null || scheme == null) {
        return "";
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      if (port < 0) {
        port = "https".equals(scheme) ? 443 : 80;
      }
      return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    } catch (URISyntaxException e) {
      return "";
    }
  }
}
