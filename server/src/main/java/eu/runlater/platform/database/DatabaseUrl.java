package eu.runlater.platform.database;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the database is: a JDBC URL plus credentials, parsed from the forms hosting platforms hand
 * out ({@code postgres://user:pass@host:port/db?sslmode=require}, {@code postgresql://…}) and from
 * a plain {@code jdbc:postgresql://…} URL.
 */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

  public DatabaseUrl {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
  }

  /**
   * Parses {@code DATABASE_URL}.
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  public static DatabaseUrl parse(String url) {
    String value = url == null ? "" : url.strip();
    if (value.startsWith("jdbc:postgresql:")) {
      // Credentials, if any, travel as ?user=&password= and the driver reads them itself.
      return new DatabaseUrl(value, null, null);
    }
    if (!value.startsWith("postgres://") && !value.startsWith("postgresql://")) {
      throw invalid(value, "it must start with postgres://, postgresql:// or jdbc:postgresql://");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw invalid(value, e.getReason());
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw invalid(value, "it names no host");
    }
    String database = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
    if (database.isBlank()) {
      throw invalid(value, "it names no database (add /<database> after the host)");
    }
    String host =
        uri.getHost().contains(":") && !uri.getHost().startsWith("[")
            ? "[" + uri.getHost() + "]"
            : uri.getHost();
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + database;
    if (uri.getRawQuery() != null && !uri.getRawQuery().isBlank()) {
      jdbc += "?" + uri.getRawQuery();
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new DatabaseUrl(jdbc, user, password);
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String url, String why) {
    return new IllegalArgumentException(
        "DATABASE_URL is not a PostgreSQL URL ("
            + why
            + "); use postgres://user:password@host:5432/database or"
            + " jdbc:postgresql://host:5432/database, got '"
            + redact(url)
            + "'");
  }

  /** The URL with any password replaced, for error messages and logs. */
  public static String redact(String url) {
    return url == null
        ? null
        : url.replaceAll("(://[^:/@]+:)[^@]*@", "$1****@")
            .replaceAll("(?i)(password=)[^&]*", "$1****");
  }

  @Override
  public String toString() {
    return "DatabaseUrl[" + redact(jdbcUrl) + ", user=" + username + "]";
  }
}
