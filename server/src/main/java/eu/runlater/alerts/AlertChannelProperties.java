package eu.runlater.alerts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the services behind the channels live, and how alert deliveries are retried ({@code
 * runlater.alerts.channels.*}). The base URLs are the services' public APIs; tests point them at
 * local servers.
 *
 * @param telegramApi the Telegram Bot API ({@code …/bot<token>/sendMessage})
 * @param pagerdutyApi the PagerDuty Events API v2 ({@code …/v2/enqueue})
 * @param pushoverApi the Pushover API ({@code …/1/messages.json})
 * @param ntfyServer the ntfy server a channel uses when it names none
 * @param attempts attempts per notification in all (a test message gets one)
 * @param retryBase the first retry's maximum wait, doubling per failure (full jitter)
 * @param retryMax the cap on a retry's wait
 * @param timeout how long one attempt may take
 */
@ConfigurationProperties("runlater.alerts.channels")
record AlertChannelProperties(
    String telegramApi,
    String pagerdutyApi,
    String pushoverApi,
    String ntfyServer,
    Integer attempts,
    Duration retryBase,
    Duration retryMax,
    Duration timeout) {
  static final String TELEGRAM_API = "https://api.telegram.org";
  static final String PAGERDUTY_API = "https://events.pagerduty.com";
  static final String PUSHOVER_API = "https://api.pushover.net";
  static final String NTFY_SERVER = "https://ntfy.sh";
  static final int ATTEMPTS = 6;
  static final Duration RETRY_BASE = Duration.ofSeconds(10);
  static final Duration RETRY_MAX = Duration.ofMinutes(10);
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  AlertChannelProperties {
    telegramApi = base(telegramApi, TELEGRAM_API);
    pagerdutyApi = base(pagerdutyApi, PAGERDUTY_API);
    pushoverApi = base(pushoverApi, PUSHOVER_API);
    ntfyServer = base(ntfyServer, NTFY_SERVER);
    attempts = attempts == null ? ATTEMPTS : attempts;
    retryBase = retryBase == null ? RETRY_BASE : retryBase;
    retryMax = retryMax == null ? RETRY_MAX : retryMax;
    timeout = timeout == null ? TIMEOUT : timeout;
    if (attempts < 1 || attempts > 11) {
      throw new IllegalArgumentException(
          "runlater.alerts.channels.attempts must be 1 to 11, got " + attempts);
    }
    if (retryBase.toMillis() < 1 || retryMax.compareTo(retryBase) < 0) {
      throw new IllegalArgumentException(
          "runlater.alerts.channels.retry-base must be positive and at most retry-max");
    }
    if (timeout.toMillis() < 1_000 || timeout.toMillis() > 300_000) {
      throw new IllegalArgumentException(
          "runlater.alerts.channels.timeout must be 1s to 300s, got " + timeout);
    }
  }

  /** The defaults, for code that runs without Spring's binding (tests of formats). */
  static AlertChannelProperties defaults() {
    return new AlertChannelProperties(null, null, null, null, null, null, null, null);
  }

  private static String base(String configured, String fallback) {
    String value = configured == null || configured.isBlank() ? fallback : configured.strip();
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
