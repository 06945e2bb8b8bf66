package eu.runlater.platform.engine;

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
 */
@ConfigurationProperties("runlater.engine")
public record EngineProperties(
    Integer workers,
    String allowPrivateTargets,
    Duration backoffBase,
    Duration backoffMax,
    Duration shutdownGrace,
    Duration pollInterval) {

  public EngineProperties {
    workers = workers == null ? eu.runlater.engine.EngineConfig.DEFAULT_WORKERS : workers;
    backoffBase = backoffBase == null ? Duration.ofSeconds(15) : backoffBase;
    backoffMax = backoffMax == null ? Duration.ofHours(1) : backoffMax;
    shutdownGrace =
        shutdownGrace == null
            ? eu.runlater.engine.EngineConfig.DEFAULT_SHUTDOWN_GRACE
            : shutdownGrace;
    pollInterval =
        pollInterval == null ? eu.runlater.engine.EngineConfig.DEFAULT_POLL_INTERVAL : pollInterval;
  }

  public eu.runlater.engine.Backoff backoff() {
    return new eu.runlater.engine.Backoff(
        (int) backoffBase.toMillis(),
        (int) Math.max(backoffBase.toMillis(), backoffMax.toMillis()));
  }
}
