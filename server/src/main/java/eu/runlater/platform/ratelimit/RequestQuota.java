package eu.runlater.platform.ratelimit;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.ratelimit.RateLimitProperties.Policy;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What one request has spent of its caller's rate limit. A request costs one unit; a push costs one
 * unit per message, charged by {@link #chargeMessages} once the push is known to be valid.
 */
public final class RequestQuota {
  static final String ATTRIBUTE = RequestQuota.class.getName();

  private final RateLimiter.Limited limited;
  private final HttpServletResponse response;
  private long charged;

  RequestQuota(RateLimiter.Limited limited, HttpServletResponse response) {
    this.limited = limited;
    this.response = response;
  }

  /**
   * Makes the current request cost {@code messages} units in all (it has paid one already). Throws
   * a 429 problem, with {@code Retry-After}, when the caller's bucket does not hold them; outside a
   * rate-limited request it does nothing.
   */
  public static void chargeMessages(int messages) {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (attributes == null) {
      return;
    }
    if (attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST)
        instanceof RequestQuota quota) {
      quota.chargeTo(messages, true);
    }
  }

  /**
   * How many units the current request may spend in all, counting what it has paid already: what it
   * paid plus what its caller's bucket holds now. Outside a rate-limited request, {@link
   * Long#MAX_VALUE}. For a call that can do less than asked (a redrive moves what the caller can
   * pay for and says how many are left).
   */
  public static long available() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (attributes != null
        && attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST)
            instanceof RequestQuota quota) {
      return quota.charged + quota.limited.bucket().getAvailableTokens();
    }
    return Long.MAX_VALUE;
  }

  /**
   * Brings what this request has spent up to {@code total}; answers whether the bucket held it.
   * Either way the {@code RateLimit} header says what is left.
   */
  boolean chargeTo(long total, boolean throwIfRefused) {
    long more = total - charged;
    if (more <= 0) {
      return true;
    }
    Policy policy = limited.policy();
    ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(more);
    headers(probe.getRemainingTokens(), probe.getNanosToWaitForReset());
    if (probe.isConsumed()) {
      charged = total;
      return true;
    }
    long retryAfter =
        more > policy.quota()
            ? policy.window().toSeconds()
            : seconds(probe.getNanosToWaitForRefill());
    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter)));
    if (throwIfRefused) {
      throw refusal(more);
    }
    return false;
  }

  ApiProblem refusal(long units) {
    Policy policy = limited.policy();
    String allowance =
        policy.quota() + " units per " + policy.window().toSeconds() + " s on this node";
    String detail =
        units > policy.quota()
            ? "A push of "
                + units
                + " messages is more than the rate limit allows at once ("
                + allowance
                + "; a push counts one unit per message). Split it into smaller pushes."
            : "Rate limit reached ("
                + allowance
                + " for the "
                + policy.name()
                + " tier; a push counts one unit per message). Retry after the number of seconds"
                + " in Retry-After; the RateLimit header says what is left.";
    return new ApiProblem(
        HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests", detail);
  }

  void policyHeader() {
    Policy policy = limited.policy();
    response.setHeader(
        "RateLimit-Policy",
        "\"" + policy.name() + "\";q=" + policy.quota() + ";w=" + policy.window().toSeconds());
  }

  private void headers(long remaining, long nanosToReset) {
    response.setHeader(
        "RateLimit",
        "\"" + limited.policy().name() + "\";r=" + remaining + ";t=" + seconds(nanosToReset));
  }

  private static long seconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
