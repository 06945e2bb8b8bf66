package eu.runlater.workflows;

import static eu.runlater.workflows.WorkflowAlertsQueries.RUN_FAILED_EXECUTION;
import static eu.runlater.workflows.WorkflowAlertsQueries.WORKFLOW_NAME;

import eu.runlater.alerts.AlertNotices;
import eu.runlater.alerts.AlertSignals;
import eu.runlater.alerts.Outcome;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.Rows;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.WorkflowDefinition.Assignees;
import eu.runlater.workflows.WorkflowDefinition.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What workflows tell alerts. A run that ends failed is a failure of its workflow, one that
 * succeeds a success (it closes the workflow's incident, as a job's run does); a cancelled run is
 * neither. An approval that starts waiting, is escalated or is delegated sends a notice to the
 * people who may now decide, with a link to the approvals inbox.
 *
 * <p>Outcomes are told in the transaction that ends the run, but after every run lock it takes:
 * {@link AlertSignals} locks the workflow's incident, and a transaction holding that lock while it
 * waits for another run's lock could deadlock with one holding the run while it waits for the
 * incident. So in a Spring transaction (the API's) they go just before the commit; in the engine's
 * outcome transaction, {@link StepOutcomes} hands them over once it has advanced every run ({@link
 * #flush}). Notices lock nothing and go at once.
 */
@Component
class WorkflowAlerts {
  static final String INBOX = "/workflows/approvals";

  private final AlertSignals signals;
  private final AlertNotices notices;

  /** Outcomes of an outcome transaction not yet told, by its connection, with its time. */
  private final Map<Connection, Deferred> deferred = new ConcurrentHashMap<>();

  private record Deferred(Instant now, List<Outcome> outcomes) {}

  WorkflowAlerts(AlertSignals signals, AlertNotices notices) {
    this.signals = signals;
    this.notices = notices;
  }

  /** A run ended ({@code state}); told before the transaction commits. */
  void runEnded(Connection c, LockedRun run, String state, String error, Instant now) {
    boolean ok = RunAdvancer.SUCCEEDED.equals(state);
    if (!ok && !RunAdvancer.FAILED.equals(state)) {
      return;
    }
    UUID execution =
        ok
            ? null
            : ConnectionSql.on(c)
                .sql(RUN_FAILED_EXECUTION)
                .param("run_id", run.id())
                .query(UUID.class)
                .optional()
                .orElse(null);
    Outcome outcome =
        new Outcome(
            run.organizationId(),
            WorkflowAlertSubjects.KIND,
            run.workflowId(),
            ok,
            now,
            null,
            ok ? null : "run " + run.id() + ": " + error,
            null,
            execution);
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      beforeCommit(c, now).add(outcome);
    } else {
      deferred
          .compute(
              c,
              (k, d) ->
                  d == null || !d.now().equals(now) ? new Deferred(now, new ArrayList<>()) : d)
          .outcomes()
          .add(outcome);
    }
  }

  /**
   * Tells alerts what runs ended in this outcome transaction ({@code now} is its time: what an
   * earlier one on this connection left, rolled back before its flush, is dropped).
   */
  void flush(Connection c, Instant now) throws SQLException {
    Deferred d = deferred.remove(c);
    if (d != null && d.now().equals(now)) {
      signals.outcomes(c, d.outcomes(), now);
    }
  }

  @SuppressWarnings("unchecked")
  private List<Outcome> beforeCommit(Connection c, Instant now) {
    Object bound = TransactionSynchronizationManager.getResource(this);
    if (bound != null) {
      return (List<Outcome>) bound;
    }
    List<Outcome> outcomes = new ArrayList<>();
    TransactionSynchronizationManager.bindResource(this, outcomes);
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          // After every run lock (RunConcurrency's included): the incident's lock comes last but
          // one.
          @Override
          public int getOrder() {
            return org.springframework.core.Ordered.LOWEST_PRECEDENCE - 1;
          }

          @Override
          public void beforeCommit(boolean readOnly) {
            try {
              signals.outcomes(c, outcomes, now);
            } catch (SQLException e) {
              throw new IllegalStateException("could not tell alerts how runs ended", e);
            }
          }

          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(WorkflowAlerts.this);
          }
        });
    return outcomes;
  }

  /** An approval step started waiting: its assignees are told. */
  void approvalWaiting(Connection c, LockedRun run, Step step, Instant now) {
    var a = step.approval();
    notice(
        c,
        run,
        step.name(),
        "Approval waiting",
        "step " + step.name() + " waits for a decision by " + who(a.assignees()),
        a.assignees(),
        now);
  }

  /** An approval was escalated: the escalation's assignees are told. */
  void approvalEscalated(Connection c, LockedRun run, Step step, Instant now) {
    var to = step.approval().escalateTo();
    notice(
        c,
        run,
        step.name(),
        "Approval escalated",
        "step " + step.name() + " was escalated: it waits for a decision by " + who(to),
        to,
        now);
  }

  /** An assignee delegated an approval: the delegate is told. */
  void approvalDelegated(
      Connection c, LockedRun run, String step, String by, String to, Instant now) {
    notice(
        c,
        run,
        step,
        "Approval delegated to you",
        "step " + step + " waits for a decision: " + by + " delegated it to " + to,
        new Assignees(List.of(to), List.of()),
        now);
  }

  private void notice(
      Connection c,
      LockedRun run,
      String step,
      String what,
      String text,
      Assignees to,
      Instant now) {
    record Named(String key, String name) {}
    Named w =
        ConnectionSql.on(c)
            .sql(WORKFLOW_NAME)
            .param("id", run.workflowId())
            .query(Rows.of(Named.class))
            .single();
    try {
      notices.send(
          c,
          new AlertNotices.Notice(
              run.organizationId(),
              WorkflowAlertSubjects.KIND,
              run.workflowId(),
              w.name(),
              WorkflowAlertSubjects.path(w.key()),
              what + ": " + w.name() + " → " + step,
              text + " (run " + run.id() + ")",
              to.users(),
              to.roles(),
              "Decide in the approvals inbox",
              INBOX,
              now));
    } catch (SQLException e) {
      throw new IllegalStateException("could not send the notice of step " + step, e);
    }
  }

  private static String who(Assignees a) {
    List<String> names = new ArrayList<>(a.users());
    a.roles().forEach(r -> names.add("anyone with the role " + r));
    return names.isEmpty() ? "nobody yet" : String.join(" or ", names);
  }
}
