package eu.runlater.monitors;

import static eu.runlater.monitors.CheckQueries.CHECK_INSERT;
import static eu.runlater.monitors.CheckQueries.MONITOR_CHECKED;

import eu.runlater.alerts.AlertSignals;
import eu.runlater.engine.Completion;
import eu.runlater.engine.ExecutionRecord;
import eu.runlater.engine.OutcomeHook;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ConnectionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What a check's outcome does, in the transaction that records it: the result goes to {@code
 * monitor_checks}; the monitor goes down after {@code confirmations} failed checks in a row (one
 * blip does not page) and up again at the first check that passes, through {@link
 * MonitorTransitions}; a certificate expiring within the monitor's warning days raises the alert
 * condition {@code tls_expiry} (and a renewed one ends it); and the next check is made, planned one
 * interval after this one's planned time (not after its end, so checks do not drift), skipping the
 * slots already past when checks fell behind.
 *
 * <p>A check whose planned time is no longer the monitor's {@code due_at} was replaced by an edit
 * (which made its own next check): its result is kept but it makes no next. A paused, deleted or
 * heartbeat monitor makes none either.
 */
@Component
class CheckOutcomes implements OutcomeHook {
  private static final Logger log = LoggerFactory.getLogger(CheckOutcomes.class);
  static final String TLS_CONDITION = "tls_expiry";
  private static final String TRANSPORT_PREFIX = CheckTransport.SCHEME + " transport: ";

  private final MonitorTransitions transitions;
  private final AlertSignals signals;

  CheckOutcomes(MonitorTransitions transitions, AlertSignals signals) {
    this.transitions = transitions;
    this.signals = signals;
  }

  @Override
  public void onFinished(Finished finished) throws SQLException {
    for (Completion c : finished.outcomes()) {
      if (UptimeChecks.SOURCE_KIND.equals(c.task().sourceKind()) && c.task().sourceId() != null) {
        checked(finished, c);
      }
    }
  }

  private void checked(Finished finished, Completion c) throws SQLException {
    Connection connection = finished.connection();
    Optional<CheckedMonitor> found = UptimeChecks.lock(connection, c.task().sourceId());
    if (found.isEmpty()) {
      return;
    }
    CheckedMonitor m = found.get();
    ExecutionRecord e = c.execution();
    CheckResult result = result(e);
    Instant at = e.startedAt() == null ? finished.now() : e.startedAt();
    ConnectionSql.on(connection)
        .sql(CHECK_INSERT)
        .param("monitor_id", m.id())
        .param("checked_at", SqlTime.ts(at))
        .param("ok", result.ok())
        .param("status_code", result.status())
        .param("duration_ms", (int) Math.min(Integer.MAX_VALUE, result.durationMs()))
        .param("reason", result.reason())
        .param("execution_id", e.id())
        .update();

    boolean current =
        m.uptime()
            && !MonitorTransitions.PAUSED.equals(m.state())
            && m.dueAt() != null
            && m.dueAt().equals(c.task().scheduledFor());
    if (!current) {
      return;
    }
    int failures = result.ok() ? 0 : m.consecutiveFailures() + 1;
    Instant now = finished.now();
    if (result.ok()) {
      if (!MonitorTransitions.UP.equals(m.state())) {
        transitions.change(
            connection, m.id(), m.state(), MonitorTransitions.UP, upReason(m, result), now);
      }
    } else if (failures >= Math.max(1, m.confirmations())
        && !MonitorTransitions.DOWN.equals(m.state())) {
      transitions.change(
          connection,
          m.id(),
          m.state(),
          MonitorTransitions.DOWN,
          downReason(result, failures),
          now);
    }
    Instant tlsExpiresAt = result.tlsNotAfter() != null ? result.tlsNotAfter() : m.tlsExpiresAt();
    tls(connection, m, result.tlsNotAfter(), now);

    Instant next = next(c.task().scheduledFor(), Duration.ofSeconds(m.intervalS()), now);
    ConnectionSql.on(connection)
        .sql(MONITOR_CHECKED)
        .param("id", m.id())
        .param("failures", failures)
        .param("tls_expires_at", tlsExpiresAt == null ? null : SqlTime.ts(tlsExpiresAt))
        .param("due_at", SqlTime.ts(next))
        .param("duration_ms", result.durationMs())
        .update();
    finished.insert(List.of(UptimeChecks.task(m, next)));
  }

  /**
   * The next planned time: one interval after this check's, or, when that is already past (the node
   * was down, checks queued), the first slot of the same grid still ahead.
   */
  static Instant next(Instant planned, Duration interval, Instant now) {
    Instant next = planned.plus(interval).truncatedTo(ChronoUnit.MICROS);
    if (!next.isAfter(now)) {
      long behind = Duration.between(next, now).toMillis() / interval.toMillis() + 1;
      next = next.plus(interval.multipliedBy(behind));
    }
    return next;
  }

  /** The check's result: the transport's JSON answer, or the attempt's error with no answer. */
  static CheckResult result(ExecutionRecord e) {
    long ms = e.durationUs() == null ? 0 : e.durationUs() / 1000;
    if (e.response() != null && e.response().body() != null && e.response().body().length > 0) {
      try {
        return CheckResult.parse(e.response().body());
      } catch (RuntimeException ex) {
        log.debug("A check answer that is not a check result", ex);
      }
    }
    String error = e.error() == null ? e.status() : e.error();
    if (error.startsWith(TRANSPORT_PREFIX)) {
      error = error.substring(TRANSPORT_PREFIX.length());
    }
    if (ExecutionRecord.LOST.equals(e.status())) {
      error = "the check was lost with its node";
    }
    return new CheckResult(false, null, ms, error, null, null);
  }

  private static String upReason(CheckedMonitor m, CheckResult r) {
    String what = "tcp".equals(m.kind()) ? "port open" : "HTTP " + r.status();
    return what + " in " + r.durationMs() + " ms";
  }

  private static String downReason(CheckResult r, int failures) {
    return r.reason() + (failures > 1 ? " (" + failures + " failed checks in a row)" : "");
  }

  private void tls(Connection connection, CheckedMonitor m, Instant notAfter, Instant now)
      throws SQLException {
    if (m.tlsExpiryDays() == null) {
      return;
    }
    Duration warn = Duration.ofDays(m.tlsExpiryDays());
    boolean warnedBefore = m.tlsExpiresAt() != null && !m.tlsExpiresAt().minus(warn).isAfter(now);
    boolean warnNow = notAfter != null && !notAfter.minus(warn).isAfter(now);
    if (notAfter == null) {
      // No TLS answer this time (down, or no longer https): what is known stands.
      return;
    }
    if (warnNow || warnedBefore) {
      long days = Math.max(0, Duration.between(now, notAfter).toDays());
      String detail =
          notAfter.isAfter(now)
              ? "the TLS certificate of "
                  + m.url()
                  + " expires on "
                  + DateTimeFormatter.ISO_LOCAL_DATE.format(notAfter.atOffset(ZoneOffset.UTC))
                  + " (in "
                  + days
                  + (days == 1 ? " day)" : " days)")
              : "the TLS certificate of " + m.url() + " has expired";
      signals.condition(
          connection,
          m.organizationId(),
          MonitorTransitions.SUBJECT_KIND,
          m.id(),
          TLS_CONDITION,
          warnNow,
          detail,
          now);
    }
  }
}
