package eu.runlater.inbound;

import eu.runlater.organizations.Tier;
import eu.runlater.platform.ratelimit.RateLimitProperties.Policy;
import java.time.Duration;

/**
 * What an organization's tier allows inbound. A source takes at most its tier's requests per second
 * whatever its own rate limit says (read with the source, so a tier change applies within {@link
 * SourceCache#LIFETIME}), and received requests are kept as long as the tier keeps its run history:
 * a request's forwards' attempts are gone from the history after that, so the request goes with
 * them.
 */
final class InboundLimits {
  private InboundLimits() {}

  /**
   * The tier's ceiling for one source, requests per second ({@link Tier.Limits}, which the billing
   * page lists; an unknown tier: free's).
   */
  static int maxPerSecond(String tier) {
    Tier t;
    try {
      t = Tier.of(tier);
    } catch (IllegalArgumentException | NullPointerException e) {
      t = Tier.FREE;
    }
    return t.limits().inboundRequestsPerSecond();
  }

  /** How long the tier keeps received requests: its history's days. */
  static Duration kept(Tier tier) {
    return Duration.ofDays(tier.limits().historyDays());
  }

  /**
   * The limit a request to {@code source} meets: the source's own, or the tier's ceiling when the
   * source's is faster.
   */
  static Policy policy(Source source) {
    int ceiling = maxPerSecond(source.tier());
    if ((double) source.rateRequests() / source.rateWindowSeconds() > ceiling) {
      return new Policy("source", ceiling, Duration.ofSeconds(1));
    }
    return new Policy(
        "source", source.rateRequests(), Duration.ofSeconds(source.rateWindowSeconds()));
  }

  /** Why a request over {@code policy} was refused, as stored with it. */
  static String refusal(Source source, Policy policy) {
    boolean capped =
        policy.quota() != source.rateRequests()
            || policy.window().toSeconds() != source.rateWindowSeconds();
    return "rate limited: more than "
        + policy.quota()
        + " requests per "
        + policy.window().toSeconds()
        + " s"
        + (capped ? " (the " + source.tier() + " tier's most for one source)" : "");
  }
}
