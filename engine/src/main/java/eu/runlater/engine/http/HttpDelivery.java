package eu.runlater.engine.http;

import eu.runlater.engine.Header;
import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import eu.runlater.engine.http.HttpOutcome.Responded;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.StandardCookieSpec;
import org.apache.hc.client5.http.impl.DefaultConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one HTTP attempt to a user-supplied URL. See the package documentation for the guarantees.
 *
 * <p>Built on HttpClient 5 classic with a pooling connection manager, because its {@code
 * DnsResolver} hook lets the SSRF check sit exactly between name resolution and connect (the JDK
 * client has no such hook), and its blocking I/O suits the virtual threads that call {@link #send}.
 * Everything HttpClient would do on its own is switched off: redirects, retries, cookies,
 * authentication, content decoding, protocol upgrade, proxies and its User-Agent.
 *
 * <p>Thread-safe; one instance serves the whole process.
 */
public final class HttpDelivery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpDelivery.class);

  /** Idle pooled connections are closed after this, unless the server asks for less. */
  static final TimeValue KEEP_ALIVE = TimeValue.ofSeconds(30);

  /**
   * A pooled connection idle for longer is checked for a server-side close before reuse, so a
   * request is not sent on a connection that is already gone (there is no automatic retry).
   */
  static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(1);

  /** Connections are renewed after this, so a host's DNS changes are eventually seen. */
  static final TimeValue CONNECTION_TIME_TO_LIVE = TimeValue.ofMinutes(5);

  /** Response header limits: they bound the memory one attempt can use before the body. */
  static final int MAX_HEADER_LINE = 8 * 1024;

  static final int MAX_HEADER_COUNT = 100;

  private final HttpDeliveryConfig config;
  private final PoolingHttpClientConnectionManager connections;
  private final CloseableHttpClient client;
  private final ScheduledThreadPoolExecutor deadlines;

  public HttpDelivery(HttpDeliveryConfig config) {
    this.config = config;
    this.connections = connectionManager(config);
    this.client = client(connections);
    this.deadlines =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("runlater-http-deadline").factory());
    this.deadlines.setRemoveOnCancelPolicy(true);
  }

  private static PoolingHttpClientConnectionManager connectionManager(HttpDeliveryConfig config) {
    return PoolingHttpClientConnectionManagerBuilder.create()
        .setDnsResolver(new CheckedDnsResolver(config.policy(), config.resolver()))
        .setTlsSocketStrategy(new DefaultClientTlsStrategy(config.sslContext()))
        .setMaxConnTotal(config.maxConnections())
        .setMaxConnPerRoute(config.maxConnections())
        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
        .setDefaultConnectionConfig(
            ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(config.connectTimeoutCap()))
                .setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY)
                .setTimeToLive(CONNECTION_TIME_TO_LIVE)
                .build())
        .setConnectionFactory(
            ManagedHttpClientConnectionFactory.builder()
                .http1Config(
                    Http1Config.custom()
                        .setMaxLineLength(MAX_HEADER_LINE)
                        .setMaxHeaderCount(MAX_HEADER_COUNT)
                        .build())
                .build())
        .build();
  }

  private static CloseableHttpClient client(PoolingHttpClientConnectionManager connections) {
    return HttpClientBuilder.create()
        .setConnectionManager(connections)
        // Never a proxy: a proxy would resolve the name itself, behind the policy's back.
        .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableContentCompression()
        .disableAuthCaching()
        .disableDefaultUserAgent()
        .disableConnectionState()
        .setKeepAliveStrategy(HttpDelivery::keepAlive)
        .evictExpiredConnections()
        .evictIdleConnections(KEEP_ALIVE)
        .setDefaultRequestConfig(baseRequestConfig().build())
        .build();
  }

  /**
   * How long a connection may idle in the pool. A server's "Keep-Alive: timeout=5" says when it
   * will close the connection, so reuse stops a little before that rather than racing it.
   */
  private static TimeValue keepAlive(HttpResponse response, HttpContext context) {
    TimeValue asked =
        DefaultConnectionKeepAliveStrategy.INSTANCE.getKeepAliveDuration(response, context);
    return response.containsHeader("Keep-Alive") && asked.toSeconds() > 0
        ? TimeValue.ofMilliseconds(asked.toMilliseconds() * 4 / 5)
        : asked;
  }

  private static RequestConfig.Builder baseRequestConfig() {
    return RequestConfig.custom()
        .setRedirectsEnabled(false)
        .setAuthenticationEnabled(false)
        .setContentCompressionEnabled(false)
        .setExpectContinueEnabled(false)
        .setProtocolUpgradeEnabled(false)
        .setCookieSpec(StandardCookieSpec.IGNORE)
        .setConnectionKeepAlive(KEEP_ALIVE);
  }

  /**
   * Makes one attempt. Never throws for network or target problems: those come back as {@link
   * Failed}.
   */
  public HttpOutcome send(HttpCall call) {
    long start = System.nanoTime();
    Attempt attempt = new Attempt(start + call.timeout().toNanos());
    UrlTarget target;
    try {
      target = UrlTarget.parse(call.url());
    } catch (UrlTarget.InvalidUrlException e) {
      return new Failed(FailureKind.BLOCKED, e.getMessage(), System.nanoTime() - start);
    }
    String refusal = config.policy().refusal(target);
    if (refusal != null) {
      return new Failed(
          FailureKind.BLOCKED,
          target.host() + " is not allowed: " + refusal,
          System.nanoTime() - start);
    }
    HttpUriRequestBase request = request(call, target, attempt);
    // The deadline cancels the request wherever it is: waiting for a pooled connection,
    // connecting, in the TLS handshake, or reading a body that trickles in. Cancelling closes the
    // socket, which can block on TLS locks, so it runs off the scheduler thread.
    ScheduledFuture<?> deadline;
    try {
      deadline =
          deadlines.schedule(
              () -> {
                attempt.expire();
                Thread.ofVirtual().name("runlater-http-cancel").start(request::cancel);
              },
              attempt.remainingNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return new Failed(FailureKind.IO, "the HTTP client is closed", System.nanoTime() - start);
    }
    try {
      return ScopedValue.where(Attempt.CURRENT, attempt)
          .call(() -> exchange(request, target, start));
    } catch (IOException | RuntimeException e) {
      // Cancelling at the deadline while waiting for a pooled connection surfaces as a
      // CancellationException; any other unchecked exception is a bug worth a stack trace.
      if (e instanceof RuntimeException && !(e instanceof CancellationException)) {
        log.warn("Unexpected error sending to {}", target.host(), e);
      }
      return Failures.classify(e, attempt, target.host(), call, start);
    } finally {
      deadline.cancel(false);
    }
  }

  // The per-request connect timeout is deprecated in favour of a per-pool setting, but only a
  // per-request one can follow each call's deadline; HttpClient still honours it.
  @SuppressWarnings("deprecation")
  private HttpUriRequestBase request(HttpCall call, UrlTarget target, Attempt attempt) {
    URI url = call.url();
    HttpUriRequestBase request = new HttpUriRequestBase(call.method(), url);
    // Set explicitly: for hosts such as "127.1" java.net.URI has no host, and a literal is sent
    // in its canonical form so that Host, SNI and certificate checks see the same address.
    request.setScheme(target.scheme());
    request.setAuthority(new URIAuthority(target.connectHost(), target.port()));
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    request.setPath(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery());
    boolean hasUserAgent = false;
    for (Header h : call.headers()) {
      request.addHeader(h.name(), h.value());
      hasUserAgent |= h.name().equalsIgnoreCase("User-Agent");
    }
    if (!hasUserAgent) {
      request.addHeader("User-Agent", config.userAgent());
    }
    if (call.body() != null) {
      request.setEntity(new ByteArrayEntity(call.body(), null));
    }
    long remainingMillis = Math.max(1, ceilMillis(attempt.remainingNanos()));
    request.setConfig(
        baseRequestConfig()
            .setConnectionRequestTimeout(Timeout.ofMilliseconds(remainingMillis))
            .setConnectTimeout(
                Timeout.ofMilliseconds(
                    Math.min(remainingMillis, config.connectTimeoutCap().toMillis())))
            .setResponseTimeout(Timeout.ofMilliseconds(remainingMillis))
            .build());
    return request;
  }

  private HttpOutcome exchange(HttpUriRequestBase request, UrlTarget target, long start)
      throws IOException {
    HttpHost host = new HttpHost(target.scheme(), target.connectHost(), target.effectivePort());
    HttpClientContext context = HttpClientContext.create();
    ClassicHttpResponse response = client.executeOpen(host, request, context);
    try {
      BoundedBody body = BoundedBody.read(response.getEntity(), config.maxResponseBytes());
      if (body.truncated()) {
        // Closing would read the rest of the body to reuse the connection; drop it instead.
        request.cancel();
      }
      List<Header> headers = new ArrayList<>();
      for (org.apache.hc.core5.http.Header h : response.getHeaders()) {
        headers.add(new Header(h.getName(), h.getValue()));
      }
      return new Responded(
          response.getCode(),
          headers,
          body.bytes(),
          body.truncated(),
          remoteAddress(context),
          System.nanoTime() - start,
          tlsNotAfter(context));
    } finally {
      closeQuietly(response);
    }
  }

  private static String remoteAddress(HttpClientContext context) {
    EndpointDetails endpoint = context.getEndpointDetails();
    SocketAddress remote = endpoint == null ? null : endpoint.getRemoteAddress();
    if (remote instanceof InetSocketAddress socket && socket.getAddress() != null) {
      InetAddress address = socket.getAddress();
      return IpLiterals.format(address.getAddress());
    }
    return "";
  }

  /** The server certificate's expiry, from the exchange's TLS session; null over plain HTTP. */
  private static Instant tlsNotAfter(HttpClientContext context) {
    SSLSession session = context.getSSLSession();
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        return leaf.getNotAfter().toInstant();
      }
    } catch (SSLPeerUnverifiedException e) {
      log.debug("No peer certificate in the TLS session", e);
    }
    return null;
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException | RuntimeException e) {
      log.debug("Closing a response failed", e);
    }
  }

  private static long ceilMillis(long nanos) {
    return (nanos + 999_999) / 1_000_000;
  }

  /** Connection pool figures, for tests and metrics. */
  PoolStats poolStats() {
    return connections.getTotalStats();
  }

  /** Closes every pooled connection at once; calls in flight fail. */
  @Override
  public void close() {
    deadlines.shutdownNow();
    client.close(CloseMode.IMMEDIATE);
  }
}
