package eu.runlater.jobs;

import eu.runlater.alerts.AlertOutcomes;
import eu.runlater.alerts.AlertSignals;
import eu.runlater.alerts.Outcome;
import eu.runlater.engine.Completion;
import eu.runlater.engine.OutcomeHook;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Tells alerts how each job run ended, in the transaction that records it: a run whose execution is
 * a success is a success of its job; anything else final (failed, timed out, blocked, lost) is a
 * failure.
 */
@Component
class JobAlertOutcomes implements OutcomeHook {
  private final AlertSignals alerts;

  JobAlertOutcomes(AlertSignals alerts) {
    this.alerts = alerts;
  }

  @Override
  public void onFinished(Finished finished) throws SQLException {
    List<Outcome> outcomes = new ArrayList<>();
    for (Completion c : finished.outcomes()) {
      if (JobTasks.SOURCE_KIND.equals(c.task().sourceKind()) && c.task().sourceId() != null) {
        outcomes.add(AlertOutcomes.of(c, JobAlertSubjects.KIND, c.task().sourceId(), null));
      }
    }
    alerts.outcomes(finished.connection(), outcomes, finished.now());
  }
}
