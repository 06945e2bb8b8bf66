package eu.runlater.platform.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The one place forwarded headers are read (Tomcat's own handling is off: {@code
 * server.forward-headers-strategy: none}). From a peer in {@link TrustedProxies}, {@code
 * X-Forwarded-For} gives the client address ({@code getRemoteAddr()}: the sign-in limits key on it)
 * and {@code X-Forwarded-Proto} the scheme ({@code isSecure()}: the session cookie's {@code
 * Secure}). From anyone else both are ignored. Either way the filter hides {@code Forwarded} and
 * every {@code X-Forwarded-*} header from what runs after it, so no library downstream (Spring's
 * URL builders, API docs) can read them again. {@code Forwarded} (RFC 7239) is not supported: a
 * proxy must send {@code X-Forwarded-For} and {@code X-Forwarded-Proto}. {@code X-Forwarded-Host}
 * is never believed: links are built from {@code RUNLATER_BASE_URL}.
 */
@Configuration(proxyBeanMethods = false)
class ForwardedHeaders {
  private static final Logger log = LoggerFactory.getLogger(ForwardedHeaders.class);
  private static final Set<String> HIDDEN =
      Set.of(
          "forwarded",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host",
          "x-forwarded-port",
          "x-forwarded-prefix",
          "x-forwarded-ssl",
          "x-real-ip");

  @Bean
  TrustedProxies trustedProxies(@Value("${runlater.trusted-proxies:}") String setting) {
    TrustedProxies proxies = TrustedProxies.parse(setting);
    if (!proxies.isEmpty()) {
      log.info("Forwarded headers are believed from {}", proxies);
    }
    return proxies;
  }

  @Bean
  FilterRegistrationBean<Filter> forwardedHeadersFilter(TrustedProxies proxies) {
    Filter filter =
        (ServletRequest request, ServletResponse response, FilterChain chain) -> {
          if (request instanceof HttpServletRequest http && !(http instanceof Forwarded)) {
            request = new Forwarded(http, proxies);
          }
          chain.doFilter(request, response);
        };
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
    // Before Spring Session (its cookie's Secure flag follows isSecure()) and Spring Security.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
    registration.setName("forwardedHeaders");
    return registration;
  }

  /** The request as the client made it, as far as a trusted proxy says so. */
  static final class Forwarded extends HttpServletRequestWrapper {
    private final String clientAddress;
    private final String scheme;

    Forwarded(HttpServletRequest request, TrustedProxies proxies) {
      super(request);
      String peer = request.getRemoteAddr();
      boolean trusted = proxies.trusts(peer);
      this.clientAddress =
          trusted
              ? proxies.clientAddress(peer, Collections.list(request.getHeaders("X-Forwarded-For")))
              : peer;
      String proto = trusted ? request.getHeader("X-Forwarded-Proto") : null;
      String first = proto == null ? "" : proto.split(",")[0].strip().toLowerCase(Locale.ROOT);
      this.scheme = first.equals("https") || first.equals("http") ? first : request.getScheme();
    }

    @Override
    public String getRemoteAddr() {
      return clientAddress;
    }

    @Override
    public String getRemoteHost() {
      return clientAddress;
    }

    @Override
    public String getScheme() {
      return scheme;
    }

    @Override
    public boolean isSecure() {
      return scheme.equals(super.getScheme()) ? super.isSecure() : scheme.equals("https");
    }

    @Override
    public int getServerPort() {
      int port = super.getServerPort();
      if (!scheme.equals(super.getScheme())) {
        // The port the proxy listens on is not known; the scheme's default is what a Host
        // header without a port means.
        if (scheme.equals("https") && port == 80) {
          return 443;
        }
        if (scheme.equals("http") && port == 443) {
          return 80;
        }
      }
      return port;
    }

    @Override
    public StringBuffer getRequestURL() {
      if (scheme.equals(super.getScheme())) {
        return super.getRequestURL();
      }
      StringBuffer url = new StringBuffer(scheme).append("://").append(getServerName());
      int port = getServerPort();
      if (!(scheme.equals("https") && port == 443) && !(scheme.equals("http") && port == 80)) {
        url.append(':').append(port);
      }
      return url.append(getRequestURI());
    }

    @Override
    public String getHeader(String name) {
      return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      List<String> names = Collections.list(super.getHeaderNames());
      names.removeIf(Forwarded::hidden);
      return Collections.enumeration(names);
    }

    private static boolean hidden(String name) {
      return name != null && HIDDEN.contains(name.toLowerCase(Locale.ROOT));
    }
  }
}
