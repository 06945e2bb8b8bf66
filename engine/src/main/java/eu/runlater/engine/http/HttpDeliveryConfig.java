package eu.runlater.engine.http;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Settings of {@link HttpDelivery}.
 *
 * @param policy which destinations may be reached
 * @param resolver resolves host names; {@link HostResolver#system()} in production
 * @param maxConnections open connections at most, in total and to any one host and port; calls
 *     beyond it wait for a free connection (within their deadline)
 * @param maxResponseBytes response body bytes kept at most; the rest is not read
 * @param userAgent sent only when a call carries no User-Agent header of its own (the engine always
 *     sets one)
 * @param connectTimeoutCap the longest a TCP connect may take even when the call's deadline is
 *     further away, so one black-holed address cannot use up a long deadline
 * @param sslContext TLS trust and key material; the JVM default trusts the default CA store
 */
public record HttpDeliveryConfig(
    AddressPolicy policy,
    HostResolver resolver,
    int maxConnections,
    int maxResponseBytes,
    String userAgent,
    Duration connectTimeoutCap,
    SSLContext sslContext) {

  public static final int DEFAULT_MAX_CONNECTIONS = 256;
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;
  public static final String DEFAULT_USER_AGENT = "Runlater/dev";
  public static final Duration DEFAULT_CONNECT_TIMEOUT_CAP = Duration.ofSeconds(10);

  /** Keeps a response of this size a single allocation away from an out-of-memory error. */
  static final int MAX_RESPONSE_BYTES_LIMIT = 64 * 1024 * 1024;

  public HttpDeliveryConfig {
    Objects.requireNonNull(
        policy, "policy: use AddressPolicy.publicOnly() or AddressPolicy.parse(...)");
    Objects.requireNonNull(resolver, "resolver: use HostResolver.system()");
    Objects.requireNonNull(sslContext, "sslContext: use SSLContext.getDefault()");
    if (maxConnections < 1 || maxConnections > 100_000) {
      throw new IllegalArgumentException(
          "maxConnections must be from 1 to 100000, not " + maxConnections);
    }
    if (maxResponseBytes < 0 || maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxResponseBytes must be from 0 to "
              + MAX_RESPONSE_BYTES_LIMIT
              + ", not "
              + maxResponseBytes);
    }
    if (userAgent == null || userAgent.isBlank() || userAgent.matches("(?s).*[\\r\\n\\x00].*")) {
      throw new IllegalArgumentException(
          "userAgent must be a non-blank single line such as Runlater/1.0");
    }
    if (connectTimeoutCap == null
        || connectTimeoutCap.isNegative()
        || connectTimeoutCap.isZero()
        || connectTimeoutCap.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "connectTimeoutCap must be positive and at most an hour, not " + connectTimeoutCap);
    }
  }

  /** The defaults, with the system resolver and the JVM's default TLS trust. */
  public static HttpDeliveryConfig defaults(AddressPolicy policy) {
    return new HttpDeliveryConfig(
        policy,
        HostResolver.system(),
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_USER_AGENT,
        DEFAULT_CONNECT_TIMEOUT_CAP,
        defaultSslContext());
  }

  public HttpDeliveryConfig withResolver(HostResolver resolver) {
    return new HttpDeliveryConfig(
        policy,
        resolver,
        maxConnections,
        maxResponseBytes,
        userAgent,
        connectTimeoutCap,
        sslContext);
  }

  public HttpDeliveryConfig withMaxConnections(int maxConnections) {
    return new HttpDeliveryConfig(
        policy,
        resolver,
        maxConnections,
        maxResponseBytes,
        userAgent,
        connectTimeoutCap,
        sslContext);
  }

  public HttpDeliveryConfig withMaxResponseBytes(int maxResponseBytes) {
    return new HttpDeliveryConfig(
        policy,
        resolver,
        maxConnections,
        maxResponseBytes,
        userAgent,
        connectTimeoutCap,
        sslContext);
  }

  public HttpDeliveryConfig withUserAgent(String userAgent) {
    return new HttpDeliveryConfig(
        policy,
        resolver,
        maxConnections,
        maxResponseBytes,
        userAgent,
        connectTimeoutCap,
        sslContext);
  }

  public HttpDeliveryConfig withConnectTimeoutCap(Duration connectTimeoutCap) {
    return new HttpDeliveryConfig(
        policy,
        resolver,
        maxConnections,
        maxResponseBytes,
        userAgent,
        connectTimeoutCap,
        sslContext);
  }

  public HttpDeliveryConfig withSslContext(SSLContext sslContext) {
    return new HttpDeliveryConfig(
        policy,
        resolver,
        maxConnections,
        maxResponseBytes,
        userAgent,
        connectTimeoutCap,
        sslContext);
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }
}
