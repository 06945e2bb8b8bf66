package eu.runlater.platform.mail;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code SMTP_URL}: {@code smtp://user:password@host:587?from=Runlater%20<ops@example.com>} sends
 * with STARTTLS, required unless the host is loopback ({@link SmtpMailer#javaMailProperties});
 * {@code smtps://…:465} speaks TLS from the start. The user and password are URL-encoded; {@code
 * from} defaults to {@code runlater@<host>}.
 */
record SmtpUrl(String host, int port, boolean tls, String username, String password, String from) {

  static SmtpUrl parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "SMTP_URL is not a URL: write smtp://user:password@host:587 (URL-encode the password)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
      throw new IllegalArgumentException(
          "SMTP_URL must start with smtp:// or smtps://, got '" + scheme + "://'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("SMTP_URL needs a host: smtp://user:password@host:587");
    }
    boolean tls = scheme.equals("smtps");
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 465 : 587;
    String username = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      username = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    Map<String, String> query = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
      }
    }
    String from = query.getOrDefault("from", "runlater@" + uri.getHost());
    return new SmtpUrl(uri.getHost(), port, tls, username, password, from);
  }

  private static String decode(String s) {
    // Percent-decoding only: a '+' in a password is a '+', not a space.
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return (tls ? "smtps://" : "smtp://")
        + (username == null ? "" : username + ":***@")
        + host
        + ":"
        + port;
  }
}
