package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorsQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Caps;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Takes a ping: in one transaction, locks its monitor (pings of one monitor apply in order), logs
 * the ping, runs the state machine ({@link HeartbeatRules}) and writes what it decided, the state
 * through {@link MonitorTransitions} (alerting on down and back up).
 */
@Service
class MonitorPings {
  static final int MAX_BODY = 10 * 1024;

  private final JdbcClient jdbc;
  private final MonitorCommands commands;
  private final MonitorReads reads;
  private final MonitorValidator validator;
  private final Caps caps;

  MonitorPings(
      JdbcClient jdbc,
      MonitorCommands commands,
      MonitorReads reads,
      MonitorValidator validator,
      Caps caps) {
    this.jdbc = jdbc;
    this.commands = commands;
    this.reads = reads;
    this.validator = validator;
    this.caps = caps;
  }

  /** What came with the ping: the first 10 KB of its body, its method, source and agent. */
  record Received(
      String method, String sourceIp, String userAgent, byte[] body, boolean bodyTruncated) {}

  /** The monitor after the ping; empty when there is none (or it cannot be made). */
  record Taken(UUID monitorId, String state, Instant dueAt) {}

  @Transactional
  public Optional<Taken> byToken(String token, HeartbeatRules.Ping ping, Received received) {
    return jdbc.sql(MONITOR_BY_TOKEN_FOR_UPDATE)
        .param("token", token)
        .query((rs, n) -> MonitorsQueries.monitor(rs))
        .optional()
        .map(m -> take(m, ping, received));
  }

  /**
   * A ping to {@code /ping/<key>/<slug>}; with {@code create}, a slug no monitor has makes a
   * heartbeat (every 1 d, 1 h grace) when the organization has room under its cap.
   */
  @Transactional
  public Optional<Taken> bySlug(
      String pingKey, String slug, boolean create, HeartbeatRules.Ping ping, Received received) {
    Optional<Monitor> found = bySlug(pingKey, slug);
    if (found.isEmpty()
        && create
        && MonitorValidator.SLUG.matcher(slug).matches()
        && !MonitorValidator.reservedSlug(slug)) {
      Optional<UUID> org =
          jdbc.sql(ORGANIZATION_BY_PING_KEY)
              .param("ping_key", pingKey)
              .query(UUID.class)
              .optional();
      if (org.isPresent()) {
        var tier = reads.tier(org.get());
        if (reads.count(org.get()) < caps.of(tier).monitors()) {
          commands.create(
              org.get(), validator.validate(MonitorInput.heartbeat(slug, slug, "1d", "1h"), tier));
          found = bySlug(pingKey, slug);
        }
      }
    }
    return found.map(m -> take(m, ping, received));
  }

  private Optional<Monitor> bySlug(String pingKey, String slug) {
    return jdbc.sql(MONITOR_BY_SLUG_FOR_UPDATE)
        .param("ping_key", pingKey)
        .param("slug", slug)
        .query((rs, n) -> MonitorsQueries.monitor(rs))
        .optional();
  }

  private Taken take(Monitor m, HeartbeatRules.Ping ping, Received received) {
    Instant at = ping.at();
    HeartbeatRules.Next next = HeartbeatRules.ping(m.schedule(), m.current(), ping);
    jdbc.sql(PING_INSERT)
        .param("id", Ids.v7(at))
        .param("monitor_id", m.id())
        .param("received_at", SqlTime.ts(at))
        .param("kind", ping.kind())
        .param("exit_code", ping.exitCode())
        .param("method", received.method())
        .param("source_ip", received.sourceIp())
        .param("user_agent", received.userAgent())
        .param("body", received.body())
        .param("body_truncated", received.bodyTruncated())
        .param("duration_ms", next.durationMs())
        .update();
    jdbc.sql(MONITOR_PINGED)
        .param("id", m.id())
        .param("at", SqlTime.ts(at))
        .param("kind", ping.kind())
        .param("duration_ms", next.durationMs())
        .param("due_at", SqlTime.ts(next.dueAt()))
        .param("transition_at", SqlTime.ts(next.transitionAt()))
        .param("running_since", SqlTime.ts(next.runningSince()))
        .update();
    if (!next.state().equals(m.state())) {
      commands.transition(m.id(), m.state(), next.state(), next.reason(), at);
    }
    return new Taken(m.id(), next.state(), next.dueAt());
  }
}
