package eu.runlater.alerts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How alerts are timed, bound from {@code runlater.alerts.*}.
 *
 * @param groupWait how long a first failure waits for others of the same moment before its group
 *     goes (default 2 s): with the dispatcher's poll, the first alert leaves within 5 s
 * @param pollInterval how often each node's dispatcher looks for groups that are due (default 1 s)
 * @param gaugeInterval how often the leader measures queue depths, message ages and usage (default
 *     15 s)
 */
@ConfigurationProperties("runlater.alerts")
public record AlertProperties(Duration groupWait, Duration pollInterval, Duration gaugeInterval) {
  public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_GAUGE_INTERVAL = Duration.ofSeconds(15);

  public AlertProperties {
    groupWait = groupWait == null ? DEFAULT_GROUP_WAIT : groupWait;
    pollInterval = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
    gaugeInterval = gaugeInterval == null ? DEFAULT_GAUGE_INTERVAL : gaugeInterval;
    if (groupWait.isNegative() || groupWait.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "runlater.alerts.group-wait must be between 0 and 1 minute, not " + groupWait);
    }
    if (!pollInterval.isPositive() || !gaugeInterval.isPositive()) {
      throw new IllegalArgumentException(
          "runlater.alerts.poll-interval and gauge-interval must be positive");
    }
  }
}
