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

  /** Whether two URLs share scheme, host and port (a missing port is the scheme's default). */
  public static boolean sameOrigin(String a, String b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    try {
      URI x = new URI(a);
      URI y = new URI(b);
      return Objects.equals(lower(x.getScheme()), lower(y.getScheme()))
          && Objects.equals(lower(x.getHost()), lower(y.getHost()))
          && port(x) == port(y);
    } catch (URISyntaxException | NullPointerException e) {
      return false;
    }
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
    try {
      URI u = new URI(url);
      return lower(u.getScheme()) + "://" + lower(u.getHost()) + ":" + port(u);
    } catch (URISyntaxException e) {
      return url;
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
