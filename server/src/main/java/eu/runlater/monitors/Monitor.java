package eu.runlater.monitors;

import eu.runlater.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * A monitor as stored: a heartbeat (pinged from elsewhere on a period or a cron schedule) or an
 * uptime monitor (http or tcp, checked at an interval). Fields of the other family are null.
 *
 * @param headersJson plain request headers of an http check ({@code HeaderCodec} JSON); the secret
 *     ones are in {@code sealedHeaders}
 * @param transitionAt when the sweep must look at it next (null: only a ping or a check changes it)
 */
record Monitor(
    UUID id,
    UUID organizationId,
    String name,
    String kind,
    List<String> tags,
    String pingToken,
    String slug,
    Integer periodS,
    String cron,
    String timeZone,
    Integer graceS,
    Integer maxRuntimeS,
    String url,
    String method,
    String headersJson,
    byte[] sealedHeaders,
    String body,
    String expectedStatuses,
    String keyword,
    boolean keywordAbsent,
    Integer maxResponseMs,
    boolean followRedirects,
    Integer intervalS,
    Integer timeoutS,
    int confirmations,
    Integer tlsExpiryDays,
    String state,
    Instant stateSince,
    String stateReason,
    Instant runningSince,
    Instant lastPingAt,
    String lastPingKind,
    Long lastDurationMs,
    Instant dueAt,
    Instant transitionAt,
    int consecutiveFailures,
    Instant tlsExpiresAt,
    String badgeKey,
    Instant createdAt,
    Instant updatedAt) {

  static final String HEARTBEAT = "heartbeat";
  static final String HTTP = "http";
  static final String TCP = "tcp";

  boolean heartbeat() {
    return HEARTBEAT.equals(kind);
  }

  boolean paused() {
    return MonitorTransitions.PAUSED.equals(state);
  }

  /** A heartbeat's schedule, for {@link HeartbeatRules}. */
  HeartbeatRules.Schedule schedule() {
    return new HeartbeatRules.Schedule(
        periodS == null ? null : Duration.ofSeconds(periodS),
        cron == null ? null : CronSchedule.parseCached(cron),
        timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone),
        Duration.ofSeconds(graceS == null ? 0 : graceS),
        maxRuntimeS == null ? null : Duration.ofSeconds(maxRuntimeS));
  }

  /** What {@link HeartbeatRules} needs of its current state. */
  HeartbeatRules.Current current() {
    return new HeartbeatRules.Current(state, dueAt, runningSince, lastPingAt);
  }
}
