package eu.runlater.platform.web;

import eu.runlater.platform.RunlaterProperties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * This instance's address for links that leave the request (mail, printed links): {@code
 * RUNLATER_BASE_URL}, or {@code http://localhost:<port>} when it is unset. Never the request's
 * {@code Host} header: whoever asks for a sign-in or reset link for someone else's address would
 * otherwise choose the server the mailed token is sent to.
 */
@Component
public class PublicUrl {
  private final RunlaterProperties properties;
  private final Environment environment;
  private volatile String started;

  PublicUrl(RunlaterProperties properties, Environment environment) {
    this.properties = properties;
    this.environment = environment;
  }

  /** The base, without a trailing slash. */
  public String base() {
    String known = started;
    if (known != null) {
      return known;
    }
    String base = properties.baseUrl();
    if (base != null && !base.isBlank()) {
      started = base;
      return base;
    }
    // The port the server actually listens on (PORT=0 picks one), known once it has started; it
    // does not change after that, so it is looked up once (the hosted URLs ask on every request).
    String listening = environment.getProperty("local.server.port");
    if (listening != null) {
      started = "http://localhost:" + listening;
      return started;
    }
    return "http://localhost:" + environment.getProperty("server.port", "8080");
  }

  /** {@code path} (starting with '/') on this instance. */
  public String of(String path) {
    return base() + path;
  }
}
