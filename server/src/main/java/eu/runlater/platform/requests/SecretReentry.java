package eu.runlater.platform.requests;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.http.HttpStatus;

/**
 * A stored secret (a header sealed at rest, a secret body) is only ever sent to the origin it was
 * entered for. An edit that moves a request to another origin (scheme, host or port) and keeps a
 * stored secret without the caller giving its value again is refused, naming each such field: a
 * caller who may edit a job but does not know its credentials cannot redirect them to a server of
 * their own. Moving within the origin (another path or query) keeps the secrets as before.
 */
public final class SecretReentry {
  public static final String TYPE = "secret-reentry-required";

  private SecretReentry() {}

  /**
   * Whether two URLs share scheme, host and port (a missing port is the scheme's default). Read
   * from the raw authority, as the engine's HTTP client reads it: {@link URI#getHost()} is null for
   * names it cannot read as a server ({@code billing_api}, {@code 127.1}), and two such names must
   * not count as one origin. A URL whose origin cannot be read is never the same origin.
   */
  public static boolean sameOrigin(String a, String b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    String x = originOf(a);
    return x != null && x.equals(originOf(b));
  }

  /**
   * The fields whose stored secret values would go to a new origin without being entered again:
   * {@code headers.<Name>} for each carried secret header, {@code body} for a carried secret body.
   * Empty when the origin is the same, or nothing secret is carried.
   */
  public static List<FieldError> check(
      String fromUrl,
      String toUrl,
      Collection<String> carriedSecretHeaders,
      boolean carriedSecretBody) {
    List<FieldError> errors = new ArrayList<>();
    if (fromUrl == null || toUrl == null || sameOrigin(fromUrl, toUrl)) {
      return errors;
    }
    String reason =
        "holds a stored secret, and the URL moves to another origin ("
            + origin(toUrl)
            + "): give the value again to send it there, or remove it";
    for (String name : carriedSecretHeaders) {
      errors.add(new FieldError("headers." + name, reason));
    }
    if (carriedSecretBody) {
      errors.add(new FieldError("body", reason));
    }
    return errors;
  }

  /** The 422 for {@link #check}'s errors. */
  public static ApiProblem problem(List<FieldError> errors) {
    return new ApiProblem(
        HttpStatus.UNPROCESSABLE_CONTENT,
        TYPE,
        "Secrets must be entered again",
        "The new URL has another scheme, host or port than the stored one, and "
            + String.join(", ", errors.stream().map(FieldError::field).toList())
            + (errors.size() == 1 ? " keeps its" : " keep their")
            + " stored secret value. Stored secrets are only sent to the origin they were"
            + " entered for: give the values again in the same request, or remove them.",
        errors);
  }

  private static String origin(String url) {
    String origin = originOf(url);
    return origin == null ? url : origin;
  }

  /** {@code scheme://host:port} in lower case from the raw authority, or null when unreadable. */
  static String originOf(String url) {
    try {
      URI u = new URI(url);
      String scheme = lower(u.getScheme());
      String authority = u.getRawAuthority();
      if (scheme == null || authority == null || authority.isEmpty()) {
        return null;
      }
      String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
      String host = hostPort;
      String port = null;
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0 && colon > hostPort.lastIndexOf(']')) {
        host = hostPort.substring(0, colon);
        port = hostPort.substring(colon + 1);
      }
      if (host.isEmpty()) {
        return null;
      }
      int effective;
      if (port == null || port.isEmpty()) {
        effective = "https".equals(scheme) ? 443 : 80;
      } else {
        effective = Integer.parseInt(port);
      }
      return scheme + "://" + lower(host) + ":" + effective;
    } catch (URISyntaxException | NumberFormatException e) {
      return null;
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
