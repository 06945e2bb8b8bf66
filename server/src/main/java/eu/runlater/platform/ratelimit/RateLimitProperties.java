package eu.runlater.platform.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Request rate limits per API key and per signed-in user, by tier ({@code runlater.rate-limits.*}).
 *
 * @param enabled whether requests are limited at all ({@code RUNLATER_RATE_LIMITS}, default true;
 *     benchmarks turn it off)
 * @param nodes how many nodes serve the API ({@code RUNLATER_RATE_LIMIT_NODES}, default 1): each
 *     node keeps its buckets in memory and allows {@code quota / nodes} per window, so that a load
 *     balancer spreading a key's requests over the nodes gives the tier's quota in total
 * @param free the free tier's policy ({@code RUNLATER_RATE_LIMIT_FREE}, default {@code 600/60s})
 * @param pro the pro tier's policy ({@code RUNLATER_RATE_LIMIT_PRO}, default {@code 10000/10s})
 */
@ConfigurationProperties("runlater.rate-limits")
public record RateLimitProperties(Boolean enabled, Integer nodes, String free, String pro) {
  public static final String DEFAULT_FREE = "600/60s";
  public static final String DEFAULT_PRO = "10000/10s";

  public RateLimitProperties {
    enabled = enabled == null || enabled;
    nodes = nodes == null ? 1 : nodes;
    if (nodes < 1) {
      throw new IllegalArgumentException(
          "RUNLATER_RATE_LIMIT_NODES must be at least 1 (the number of nodes serving the API)");
    }
    free = free == null || free.isBlank() ? DEFAULT_FREE : free.strip();
    pro = pro == null || pro.isBlank() ? DEFAULT_PRO : pro.strip();
    Policy.parse("RUNLATER_RATE_LIMIT_FREE", free);
    Policy.parse("RUNLATER_RATE_LIMIT_PRO", pro);
  }

  /** The policies by tier code ({@code free}, {@code pro}), each already divided by the nodes. */
  Map<String, Policy> policies() {
    return Map.of(
        "free", Policy.parse("RUNLATER_RATE_LIMIT_FREE", free).perNode(nodes),
        "pro", Policy.parse("RUNLATER_RATE_LIMIT_PRO", pro).perNode(nodes));
  }

  /**
   * At most {@code quota} units (requests, or messages for pushes) per {@code window}.
   *
   * @param name the policy's name in the {@code RateLimit-Policy} header (the tier)
   */
  public record Policy(String name, long quota, Duration window) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{1,6})\\s*s");

    public Policy {
      if (quota < 1 || window.toSeconds() < 1) {
        throw new IllegalArgumentException("a rate limit needs a quota and a window of at least 1");
      }
    }

    static Policy parse(String variable, String text) {
      Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
      if (!m.matches() || Long.parseLong(m.group(1)) < 1 || Long.parseLong(m.group(2)) < 1) {
        throw new IllegalArgumentException(
            variable
                + " must read <quota>/<seconds>s, such as 600/60s (600 requests per minute); got '"
                + text
                + "'");
      }
      String name = variable.substring(variable.lastIndexOf('_') + 1).toLowerCase(Locale.ROOT);
      return new Policy(
          name, Long.parseLong(m.group(1)), Duration.ofSeconds(Long.parseLong(m.group(2))));
    }

    Policy perNode(int nodes) {
      return new Policy(name, Math.max(1, quota / nodes), window);
    }
  }
}
