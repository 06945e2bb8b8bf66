package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorTransitions.DOWN;
import static eu.runlater.monitors.MonitorTransitions.NEW;
import static eu.runlater.monitors.MonitorTransitions.PAUSED;
import static eu.runlater.monitors.MonitorsQueries.*;

import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.organizations.Caps;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes to monitors: create, update, pause, resume, delete, each in one transaction with what it
 * implies: an uptime monitor's waiting check ({@link UptimeChecks}) is made, replaced or removed
 * with it, and a change of state goes through {@link MonitorTransitions} (so a paused or deleted
 * monitor that was down closes its alert incident).
 */
@Service
class MonitorCommands {
  private final JdbcClient jdbc;
  private final MonitorReads reads;
  private final MonitorTransitions transitions;
  private final UptimeChecks checks;
  private final TransactionalConnection connection;
  private final SecretBox secrets;
  private final Caps caps;
  private final InstantSource clock;

  MonitorCommands(
      JdbcClient jdbc,
      MonitorReads reads,
      MonitorTransitions transitions,
      UptimeChecks checks,
      TransactionalConnection connection,
      SecretBox secrets,
      Caps caps,
      InstantSource clock) {
    this.jdbc = jdbc;
    this.reads = reads;
    this.transitions = transitions;
    this.checks = checks;
    this.connection = connection;
    this.secrets = secrets;
    this.caps = caps;
    this.clock = clock;
  }

  /**
   * Creates a monitor ({@code new} until its first ping or check). Refused (403 {@code
   * cap-monitors}) when the organization has its tier's count; a slug in use is a 409.
   */
  @Transactional
  public Monitor create(UUID organizationId, MonitorDraft draft) {
    Tier tier = reads.tier(organizationId);
    // The organization's row lock counts creations one after the other (no two pass the cap).
    jdbc.sql(ORGANIZATION_LOCK).param("id", organizationId).query(UUID.class).single();
    int cap = caps.of(tier).monitors();
    if (reads.count(organizationId) >= cap) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "cap-monitors",
          "Cap reached",
          "The "
              + tier.code()
              + " tier allows "
              + cap
              + " monitors. Delete one you no longer need"
              + (tier == Tier.FREE ? ", or upgrade to Pro." : "."));
    }
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    MapSqlParameterSource p =
        params(id, organizationId, draft, now)
            .addValue("ping_token", draft.heartbeat() ? Tokens.next() : null)
            .addValue("badge_key", Tokens.next());
    try {
      jdbc.sql(MONITOR_INSERT).paramSource(p).update();
    } catch (DuplicateKeyException e) {
      throw slugInUse(draft.slug());
    }
    if (!draft.heartbeat()) {
      schedule(id, now);
    }
    return reads.get(organizationId, id);
  }

  /**
   * Replaces a monitor's definition (the kind cannot change). A heartbeat whose schedule changed is
   * due by the new schedule after its last ping; an active uptime monitor's waiting check is
   * replaced by one of the new definition, now.
   */
  @Transactional
  public Monitor update(UUID organizationId, UUID id, MonitorDraft draft) {
    Monitor current = lock(organizationId, id);
    if (!current.kind().equals(draft.kind())) {
      throw ApiProblem.invalid(
          "kind",
          "cannot change from "
              + current.kind()
              + " to "
              + draft.kind()
              + "; create a new monitor and delete this one");
    }
    Instant now = clock.instant();
    try {
      jdbc.sql(MONITOR_UPDATE).paramSource(params(id, organizationId, draft, now)).update();
    } catch (DuplicateKeyException e) {
      throw slugInUse(draft.slug());
    }
    if (draft.heartbeat()) {
      boolean scheduleChanged =
          !Objects.equals(current.periodS(), draft.periodS())
              || !Objects.equals(current.cron(), draft.cron())
              || !Objects.equals(current.timeZone(), draft.timeZone())
              || !Objects.equals(current.graceS(), draft.graceS())
              || !Objects.equals(current.maxRuntimeS(), draft.maxRuntimeS());
      if (scheduleChanged) {
        Monitor updated = reads.get(organizationId, id);
        HeartbeatRules.Next next =
            HeartbeatRules.rescheduled(updated.schedule(), updated.current(), now);
        apply(updated, next, now);
      }
    } else if (!current.paused()) {
      schedule(id, now);
    }
    return reads.get(organizationId, id);
  }

  /** Pauses a monitor: no alerts, no checks, pings only logged. A no-op when paused. */
  @Transactional
  public Monitor pause(UUID organizationId, UUID id, String by) {
    Monitor m = lock(organizationId, id);
    if (m.paused()) {
      return m;
    }
    Instant now = clock.instant();
    change(m.id(), m.state(), PAUSED, "paused" + (by == null ? "" : " by " + by), now);
    times(m.id(), m.dueAt(), null, null);
    if (!m.heartbeat()) {
      unschedule(m.id());
    }
    return reads.get(organizationId, id);
  }

  /**
   * Resumes a paused monitor as {@code new}: a heartbeat waits for its next ping, an uptime monitor
   * is checked now. A no-op when not paused.
   */
  @Transactional
  public Monitor resume(UUID organizationId, UUID id, String by) {
    Monitor m = lock(organizationId, id);
    if (!m.paused()) {
      return m;
    }
    Instant now = clock.instant();
    change(m.id(), PAUSED, NEW, "resumed" + (by == null ? "" : " by " + by), now);
    times(m.id(), null, null, null);
    if (!m.heartbeat()) {
      schedule(m.id(), now);
    }
    return reads.get(organizationId, id);
  }

  /** Deletes a monitor, its pings, checks and timeline; a down monitor's alert incident closes. */
  @Transactional
  public void delete(UUID organizationId, UUID id) {
    Monitor m = lock(organizationId, id);
    if (DOWN.equals(m.state())) {
      change(m.id(), DOWN, PAUSED, "deleted", clock.instant());
    }
    if (!m.heartbeat()) {
      unschedule(m.id());
    }
    jdbc.sql(MONITOR_DELETE).param("organization_id", organizationId).param("id", id).update();
  }

  /** Takes the monitor's row lock: edits, pings and the sweep serialize on it. */
  Monitor lock(UUID organizationId, UUID id) {
    return jdbc.sql(MONITOR_GET_FOR_UPDATE)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> MonitorsQueries.monitor(rs))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("monitor", id));
  }

  /** Writes what the state machine decided: the clock, then the state (if it moved). */
  void apply(Monitor m, HeartbeatRules.Next next, Instant now) {
    times(m.id(), next.dueAt(), next.transitionAt(), next.runningSince());
    if (!next.state().equals(m.state())) {
      change(m.id(), m.state(), next.state(), next.reason(), now);
    }
  }

  private void times(UUID id, Instant due, Instant transition, Instant running) {
    jdbc.sql(MONITOR_TIMES_SET)
        .param("id", id)
        .param("due_at", SqlTime.ts(due))
        .param("transition_at", SqlTime.ts(transition))
        .param("running_since", SqlTime.ts(running))
        .update();
  }

  /** Changes a monitor's state in the caller's transaction (see {@link MonitorTransitions}). */
  void transition(UUID id, String from, String to, String reason, Instant at) {
    change(id, from, to, reason, at);
  }

  private void change(UUID id, String from, String to, String reason, Instant at) {
    try {
      transitions.change(connection.current(), id, from, to, reason, at);
    } catch (SQLException e) {
      throw new IllegalStateException("could not change monitor " + id + " to " + to, e);
    }
  }

  private void schedule(UUID id, Instant at) {
    try {
      checks.schedule(connection.current(), id, at);
    } catch (SQLException e) {
      throw new IllegalStateException("could not schedule the check of monitor " + id, e);
    }
  }

  private void unschedule(UUID id) {
    try {
      Connection c = connection.current();
      checks.unschedule(c, id);
    } catch (SQLException e) {
      throw new IllegalStateException("could not remove the check of monitor " + id, e);
    }
  }

  private static ApiProblem slugInUse(String slug) {
    return ApiProblem.conflict(
        "duplicate-slug", "Another monitor of this organization has the slug '" + slug + "'.");
  }

  private MapSqlParameterSource params(UUID id, UUID organizationId, MonitorDraft d, Instant now) {
    String headers = "[]";
    byte[] sealed = null;
    String body = null;
    String method = null;
    if (d.request() != null) {
      TaskRequest r =
          SealedRequests.seal(
              secrets,
              d.request().url(),
              d.request().method(),
              d.request().headers(),
              d.request().secretHeaders(),
              d.request().body(),
              false,
              d.request().timeoutMs());
      headers = HeaderCodec.toJson(r.headers());
      sealed = r.sealedHeaders();
      body =
          d.request().body() == null
              ? null
              : new String(d.request().body(), StandardCharsets.UTF_8);
      method = r.method();
    }
    return new MapSqlParameterSource()
        .addValue("id", id)
        .addValue("organization_id", organizationId)
        .addValue("name", d.name())
        .addValue("kind", d.kind())
        .addValue("tags", d.tags().toArray(new String[0]))
        .addValue("slug", d.slug())
        .addValue("period_s", d.periodS())
        .addValue("cron", d.cron())
        .addValue("time_zone", d.timeZone())
        .addValue("grace_s", d.graceS())
        .addValue("max_runtime_s", d.maxRuntimeS())
        .addValue("url", d.url())
        .addValue("method", method)
        .addValue("headers", headers)
        .addValue("sealed_headers", sealed)
        .addValue("body", body)
        .addValue("expected_statuses", d.expectedStatuses())
        .addValue("keyword", d.keyword())
        .addValue("keyword_absent", d.keywordAbsent())
        .addValue("max_response_ms", d.maxResponseMs())
        .addValue("follow_redirects", d.followRedirects())
        .addValue("interval_s", d.intervalS())
        .addValue("timeout_s", d.timeoutS())
        .addValue("confirmations", d.confirmations())
        .addValue("tls_expiry_days", d.tlsExpiryDays())
        .addValue("now", SqlTime.ts(now));
  }
}
