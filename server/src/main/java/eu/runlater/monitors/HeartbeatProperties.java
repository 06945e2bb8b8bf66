package eu.runlater.monitors;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Heartbeats' settings ({@code runlater.monitors.heartbeats.*}).
 *
 * @param pingBurst pings one token may send at once before the rate limit (per node)
 * @param pingsPerMinute pings one token may send per minute past the burst (per node); a ping over
 *     the limit that would change the monitor's state is still taken
 * @param sweepInterval how often each node's sweep looks for heartbeats that are late, down or past
 *     their max runtime (the lateness of a down alert is at most about this)
 * @param sweepBatch heartbeats the sweep moves per transaction
 */
@ConfigurationProperties("runlater.monitors.heartbeats")
record HeartbeatProperties(
    Integer pingBurst, Integer pingsPerMinute, Duration sweepInterval, Integer sweepBatch) {
  static final int DEFAULT_PING_BURST = 20;
  static final int DEFAULT_PINGS_PER_MINUTE = 30;
  static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(1);
  static final int DEFAULT_SWEEP_BATCH = 500;

  HeartbeatProperties {
    pingBurst = pingBurst == null ? DEFAULT_PING_BURST : pingBurst;
    pingsPerMinute = pingsPerMinute == null ? DEFAULT_PINGS_PER_MINUTE : pingsPerMinute;
    sweepInterval = sweepInterval == null ? DEFAULT_SWEEP_INTERVAL : sweepInterval;
    sweepBatch = sweepBatch == null ? DEFAULT_SWEEP_BATCH : sweepBatch;
    if (pingBurst < 1 || pingsPerMinute < 1) {
      throw new IllegalArgumentException(
          "runlater.monitors.heartbeats.ping-burst and pings-per-minute must be at least 1");
    }
    if (!sweepInterval.isPositive() || sweepBatch < 1) {
      throw new IllegalArgumentException(
          "runlater.monitors.heartbeats.sweep-interval and sweep-batch must be positive");
    }
  }
}
