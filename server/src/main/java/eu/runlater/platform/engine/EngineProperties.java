package eu.runlater.platform.engine;

import eu.runlater.engine.EngineConfig;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The delivery engine's settings, bound from {@code runlater.engine.*}.
 *
 * @param workers concurrent deliveries per node ({@code RUNLATER_WORKERS}, default 100)
 * @param allowPrivateTargets {@code RUNLATER_ALLOW_PRIVATE_TARGETS}: blank refuses private,
 *     loopback, link-local and metadata addresses; {@code true} allows every address; a
 *     comma-separated CIDR list allows those ranges
 * @param backoffBase the first retry's maximum wait (full jitter), doubling per failure
 * @param backoffMax the cap on a retry's wait
 * @param shutdownGrace how long in-flight deliveries may finish when the node stops
 * @param pollInterval the fallback wake-up when no timer or notification fires
 * @param heartbeatInterval how often the node writes its heartbeat ({@code
 *     RUNLATER_HEARTBEAT_INTERVAL}, default 2 s)
 * @param deadAfter how long a node may go without a heartbeat before the leader declares it dead
 *     and hands its running tasks on ({@code RUNLATER_DEAD_AFTER}, default 10 s; at least three
 *     heartbeat intervals)
 * @param lookahead how far ahead of their due time tasks are claimed, to start each on its instant
 *     ({@code RUNLATER_LOOKAHEAD}, default 1 s; {@code 0s} claims only what is due; at most 1 min)
 * @param completers how many threads record outcomes, each batch in its own transaction ({@code
 *     RUNLATER_COMPLETERS}, default 1, at most 8)
 */
@ConfigurationProperties("runlater.engine")
public record EngineProperties(
    Integer workers,
    String allowPrivateTargets,
    Duration backoffBase,
    Duration backoffMax,
    Duration shutdownGrace,
    Duration pollInterval,
    Duration heartbeatInterval,
    Duration deadAfter,
    Duration lookahead,
    Integer completers) {

  public EngineProperties {
    workers = workers == null ? EngineConfig.DEFAULT_WORKERS : workers;
    backoffBase = backoffBase == null ? Duration.ofSeconds(15) : backoffBase;
    backoffMax = backoffMax == null ? Duration.ofHours(1) : backoffMax;
    shutdownGrace = shutdownGrace == null ? EngineConfig.DEFAULT_SHUTDOWN_GRACE : shutdownGrace;
    pollInterval = pollInterval == null ? EngineConfig.DEFAULT_POLL_INTERVAL : pollInterval;
    heartbeatInterval =
        heartbeatInterval == null ? EngineConfig.DEFAULT_HEARTBEAT_INTERVAL : heartbeatInterval;
    deadAfter = deadAfter == null ? EngineConfig.DEFAULT_DEAD_AFTER : deadAfter;
    lookahead = lookahead == null ? DEFAULT_LOOKAHEAD : lookahead;
    completers = completers == null ? EngineConfig.DEFAULT_COMPLETERS : completers;
    if (completers < 1 || completers > EngineConfig.MAX_COMPLETERS) {
      throw new IllegalArgumentException(
          "runlater.engine.completers (RUNLATER_COMPLETERS) must be 1 to "
              + EngineConfig.MAX_COMPLETERS
              + ", got "
              + completers);
    }
    if (lookahead.isNegative() || lookahead.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "runlater.engine.lookahead (RUNLATER_LOOKAHEAD) must be 0s (off) to 1m, got "
              + lookahead);
    }
    if (heartbeatInterval.toMillis() < 100) {
      throw new IllegalArgumentException(
          "runlater.engine.heartbeat-interval (RUNLATER_HEARTBEAT_INTERVAL) must be at least"
              + " 100ms, got "
              + heartbeatInterval);
    }
    if (deadAfter.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException(
          "runlater.engine.dead-after (RUNLATER_DEAD_AFTER) must be at least three heartbeat"
              + " intervals ("
              + heartbeatInterval.multipliedBy(3)
              + " with runlater.engine.heartbeat-interval "
              + heartbeatInterval
              + "), got "
              + deadAfter
              + ": a node stops claiming after half of it without a heartbeat");
    }
  }

  /** The server's lookahead: a second, enough to claim a second's burst of occurrences ahead. */
  public static final Duration DEFAULT_LOOKAHEAD = Duration.ofSeconds(1);

  public eu.runlater.engine.Backoff backoff() {
    return new eu.runlater.engine.Backoff(
        (int) backoffBase.toMillis(),
        (int) Math.max(backoffBase.toMillis(), backoffMax.toMillis()));
  }
}
