package eu.runlater.monitors;

import static eu.runlater.monitors.CheckQueries.MONITOR_DUE_SET;
import static eu.runlater.monitors.CheckQueries.MONITOR_FOR_CHECK;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.engine.Tasks;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.engine.Priorities;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * An uptime monitor's checks on the engine: one waiting check task per active http or tcp monitor
 * (source kind {@code monitor}, URL {@code check:<target>}), each making the next when it ends
 * ({@link CheckOutcomes}). The monitor's {@code due_at} is the planned time of its waiting check: a
 * check whose planned time is no longer the monitor's was replaced by an edit and makes no next.
 */
@Component
class UptimeChecks {
  /** The engine's source kind of checks. */
  static final String SOURCE_KIND = "monitor";

  private final Tasks tasks;

  UptimeChecks(Tasks tasks) {
    this.tasks = tasks;
  }

  /**
   * Makes the monitor's next check due at {@code at}, replacing a waiting one, in the transaction
   * of {@code connection} (a create, an edit, a resume). Nothing for a heartbeat or a paused
   * monitor (it has no checks: any waiting one is removed).
   */
  void schedule(Connection connection, UUID monitorId, Instant at) throws SQLException {
    at = at.truncatedTo(ChronoUnit.MICROS); // as stored, so due_at and the task's time compare
    Optional<CheckedMonitor> monitor = lock(connection, monitorId);
    if (monitor.isEmpty()) {
      return;
    }
    CheckedMonitor m = monitor.get();
    tasks.deletePending(connection, m.organizationId(), monitorId);
    if (!m.uptime() || MonitorTransitions.PAUSED.equals(m.state())) {
      ConnectionSql.on(connection)
          .sql(MONITOR_DUE_SET)
          .param("id", monitorId)
          .param("due_at", null)
          .update();
      return;
    }
    Instant earliest = tasks.insert(connection, List.of(task(m, at)));
    if (earliest != null && TransactionSynchronizationManager.isSynchronizationActive()) {
      // This node's producer hears of it after the commit (others by the engine's NOTIFY).
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              tasks.committed(earliest);
            }
          });
    }
    ConnectionSql.on(connection)
        .sql(MONITOR_DUE_SET)
        .param("id", monitorId)
        .param("due_at", SqlTime.ts(at))
        .update();
  }

  /**
   * Removes the monitor's waiting check (a pause, a delete, a change to heartbeat); a check already
   * running ends and makes no next.
   */
  void unschedule(Connection connection, UUID monitorId) throws SQLException {
    Optional<CheckedMonitor> monitor = lock(connection, monitorId);
    if (monitor.isEmpty()) {
      return;
    }
    tasks.deletePending(connection, monitor.get().organizationId(), monitorId);
    ConnectionSql.on(connection)
        .sql(MONITOR_DUE_SET)
        .param("id", monitorId)
        .param("due_at", null)
        .update();
  }

  static Optional<CheckedMonitor> lock(Connection connection, UUID monitorId) {
    JdbcClient sql = ConnectionSql.on(connection);
    return sql.sql(MONITOR_FOR_CHECK)
        .param("id", monitorId)
        .query((rs, n) -> CheckedMonitor.read(rs))
        .optional();
  }

  /**
   * The check task of {@code m} planned for {@code at}: one attempt, the next check is its retry.
   */
  static NewTask task(CheckedMonitor m, Instant at) {
    CheckSpec spec =
        new CheckSpec(
            m.kind(),
            m.url(),
            m.method(),
            m.body(),
            m.expectedStatuses(),
            m.keyword(),
            m.keywordAbsent(),
            m.maxResponseMs(),
            m.followRedirects());
    int timeoutMs =
        (int)
            Math.min(
                TaskRequest.MAX_TIMEOUT_MS,
                Math.max(TaskRequest.MIN_TIMEOUT_MS, Duration.ofSeconds(m.timeoutS()).toMillis()));
    TaskRequest request =
        new TaskRequest(
            CheckTransport.SCHEME + ":" + m.url(),
            m.method() == null ? "GET" : m.method(),
            m.headersJson() == null ? List.of() : HeaderCodec.fromJson(m.headersJson()),
            m.sealedHeaders(),
            spec.toJson(),
            false,
            timeoutMs);
    return new NewTask(
        Ids.v7(at),
        m.organizationId(),
        SOURCE_KIND,
        m.id(),
        Priorities.of("pro".equals(m.tier()), Priorities.CRON_MINUTE),
        at,
        at,
        1,
        Backoff.DEFAULT,
        request);
  }
}
