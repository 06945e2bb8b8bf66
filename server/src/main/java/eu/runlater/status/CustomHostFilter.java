package eu.runlater.status;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves a status page on its own host name: a request whose {@code Host} is a page's {@code
 * custom_host} (a CNAME to this instance) is forwarded to that page's handlers — {@code /} to the
 * page, {@code /feed.atom}, {@code /feed.rss}, {@code /index.json} and the subscription links to
 * theirs — and anything else on that host but the page's stylesheet is a 404, so a custom host
 * shows nothing of the dashboard. Ordered before Spring Security, which then sees the forwarded
 * {@code /status/...} path and lets it through the public chain. The hosts come from {@link
 * PublicCache} (one query per TTL), so other requests pay a map lookup.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 50)
class CustomHostFilter extends OncePerRequestFilter {
  /** The request attribute that holds the custom host a forwarded request came on. */
  static final String HOST = CustomHostFilter.class.getName() + ".host";

  private static final Set<String> ASSETS = Set.of("/css/status.css", "/img/icon.svg");

  private final PublicCache cache;
  private final StatusSnapshots snapshots;

  CustomHostFilter(PublicCache cache, StatusSnapshots snapshots) {
    this.cache = cache;
    this.snapshots = snapshots;
  }

  /** The custom host a request came on, or null for this instance's own. */
  static String host(HttpServletRequest request) {
    return (String) request.getAttribute(HOST);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String host = hostOf(request.getHeader("Host"));
    Map<String, String> hosts = host == null ? Map.of() : cache.hosts(snapshots::customHosts);
    String slug = host == null ? null : hosts.get(host);
    if (slug == null) {
      chain.doFilter(request, response);
      return;
    }
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String target =
        switch (path) {
          case "/", "" -> "/status/" + slug;
          case "/index.json" -> "/status/" + slug + ".json";
          case "/feed.atom", "/feed.rss" -> "/status/" + slug + path;
          case "/subscriptions", "/subscriptions/confirm", "/subscriptions/unsubscribe" ->
              "/status/" + slug + path;
          default -> null;
        };
    if (target == null) {
      if (ASSETS.contains(path)) {
        chain.doFilter(request, response);
      } else {
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
      }
      return;
    }
    request.setAttribute(HOST, host);
    request.getRequestDispatcher(target).forward(request, response);
  }

  /** The host name of a Host header: lower case, without the port. */
  static String hostOf(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      return h; // an IPv6 literal is never a page's host
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }
}
