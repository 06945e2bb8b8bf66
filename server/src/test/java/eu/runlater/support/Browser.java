package eu.runlater.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping HTTP client for page tests: it does not follow redirects (tests assert where
 * they point) and fills in the CSRF token of the last page it loaded, the way a browser submitting
 * that page's form would.
 */
public final class Browser {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern CSRF_META =
      Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

  private final String base;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient client;
  private String csrf;
  private String clientAddress;

  private final Map<String, String> extraHeaders = new LinkedHashMap<>();

  public Browser(int port) {
    this(port, null);
  }

  private Browser(int port, java.net.InetAddress localAddress) {
    this.base = "http://localhost:" + port;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5));
    if (localAddress != null) {
      builder.localAddress(localAddress);
    }
    this.client = builder.build();
  }

  /**
   * A browser whose connections come from {@code loopbackAddress} (127.0.0.2, …: any of 127/8
   * reaches the server on this machine): a peer on this machine that is not a trusted proxy.
   */
  public static Browser connectingFrom(int port, String loopbackAddress) {
    return new Browser(port, java.net.InetAddress.ofLiteral(loopbackAddress));
  }

  /** Sends {@code name: value} with every request from now on (forwarded headers, …). */
  public Browser header(String name, String value) {
    extraHeaders.put(name, value);
    return this;
  }

  /**
   * Requests from now on come from {@code address}, as the trusted proxy on this machine reports it
   * ({@code X-Forwarded-For}; ServerTest lists 127.0.0.1 in RUNLATER_TRUSTED_PROXIES): how a test
   * plays a client on another machine.
   */
  public Browser from(String address) {
    this.clientAddress = address;
    return this;
  }

  /** A page load; remembers the page's CSRF token. */
  public Page get(String path) {
    Page page = send(HttpRequest.newBuilder(uri(path)).GET().header("Accept", "text/html"));
    remember(page);
    return page;
  }

  /** Follows redirects from {@code path} to the final page. */
  public Page open(String path) {
    Page page = get(path);
    for (int i = 0; i < 10 && page.redirect() != null; i++) {
      page = get(page.redirect());
    }
    return page;
  }

  /** Submits a form with the current CSRF token. */
  public Page post(String path, Map<String, String> form) {
    Map<String, String> fields = new LinkedHashMap<>(form);
    if (csrf != null) {
      fields.putIfAbsent("_csrf", csrf);
    }
    return postRaw(path, fields);
  }

  /** Submits exactly {@code form}: no CSRF token added. */
  public Page postRaw(String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    Page page =
        send(
            HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    remember(page);
    return page;
  }

  /** An htmx request (GET), as the page's scripts would send it. */
  public Page htmx(String path) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .GET()
            .header("HX-Request", "true")
            .header("Accept", "text/html"));
  }

  public String csrf() {
    return csrf;
  }

  public CookieManager cookies() {
    return cookies;
  }

  private void remember(Page page) {
    Matcher m = CSRF.matcher(page.body());
    if (m.find()) {
      csrf = m.group(1);
      return;
    }
    Matcher meta = CSRF_META.matcher(page.body());
    if (meta.find()) {
      csrf = meta.group(1);
    }
  }

  private URI uri(String path) {
    return URI.create(path.startsWith("http") ? path : base + path);
  }

  private Page send(HttpRequest.Builder request) {
    if (clientAddress != null) {
      request.header("X-Forwarded-For", clientAddress);
    }
    extraHeaders.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Page(
          response.statusCode(),
          response.headers().firstValue("Location").orElse(null),
          response.headers().map(),
          response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A response: status, redirect target (if any), headers and body. */
  public record Page(
      int status, String redirect, Map<String, java.util.List<String>> headers, String body) {
    /** The redirect's path without host, e.g. {@code /login?error}. */
    public String redirectPath() {
      if (redirect == null) {
        return null;
      }
      URI uri = URI.create(redirect);
      return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @Override
    public String toString() {
      return status + (redirect == null ? "" : " -> " + redirect);
    }
  }
}
