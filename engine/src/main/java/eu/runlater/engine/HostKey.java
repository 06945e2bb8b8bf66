package eu.runlater.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The key under which a target's backpressure and circuit are shared: {@code host:port} in lower
 * case, with the scheme's default port made explicit ({@code example.com:443}). The port is part of
 * it because two services on two ports of one machine fail and throttle independently (and because
 * tests run several receivers on one loopback address). An unparseable URL has the empty key and is
 * never throttled; its delivery fails as invalid anyway.
 */
public final class HostKey {
  private HostKey() {}

  public static String of(String url) {
    try {
      URI uri = new URI(url);
      String host = uri.getHost();
      if (host == null) {
        return "";
      }
      int port = uri.getPort();
      if (port < 0) {
        port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      }
      return host.toLowerCase(Locale.ROOT) + ":" + port;
    } catch (URISyntaxException e) {
      return "";
    }
  }
}
