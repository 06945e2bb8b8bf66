package eu.runlater.workflows;

import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionSource;
import eu.runlater.platform.errors.ApiProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The history's view of workflow steps: an execution of source kind {@code run} belongs to
 * "Workflow: <workflow> → step <step>" (the step whose task it is; a run's own timers — its
 * deadline, an escalation, a child's end — and a step's earlier tasks, replaced by a retry from
 * failure, name the run only), linked to the run's page. A step is not sent again from the history:
 * its output feeds the steps after it, so the run is retried instead (from its failed step).
 */
@Component
class WorkflowExecutionSource implements ExecutionSource {
  private final JdbcClient db;

  WorkflowExecutionSource(JdbcClient db) {
    this.db = db;
  }

  @Override
  public String kind() {
    return RunAdvancer.SOURCE_KIND;
  }

  @Override
  public Optional<Owner> owner(UUID organizationId, UUID sourceId) {
    return db.sql(WorkflowPagesQueries.RUN_WORKFLOW_NAME)
        .param("organization_id", organizationId)
        .param("id", sourceId)
        .query(
            (rs, n) ->
                new Owner(
                    sourceId,
                    "Run of " + rs.getString("name"),
                    "/workflow-runs/" + sourceId,
                    "UTC",
                    trail(rs.getString("name"), rs.getString("key"), sourceId, null),
                    runButton(sourceId)))
        .optional();
  }

  @Override
  public Optional<Owner> owner(UUID organizationId, UUID sourceId, UUID taskId) {
    return db.sql(WorkflowPagesQueries.RUN_WORKFLOW_STEP_NAME)
        .param("organization_id", organizationId)
        .param("id", sourceId)
        .param("task_id", taskId)
        .query(
            (rs, n) -> {
              String step = rs.getString("step");
              return new Owner(
                  sourceId,
                  "Workflow: "
                      + rs.getString("name")
                      + (step == null ? " → run " + sourceId : " → step " + step),
                  "/workflow-runs/" + sourceId,
                  "UTC",
                  trail(rs.getString("name"), rs.getString("key"), sourceId, step),
                  runButton(sourceId));
            })
        .optional();
  }

  /** The run's page: its steps' waterfall. */
  private static Crumb runButton(UUID run) {
    return new Crumb("Run waterfall", "/workflow-runs/" + run);
  }

  /** Workflows / the workflow / the run (/ the step, when the execution is one's). */
  private static List<Crumb> trail(String name, String key, UUID run, String step) {
    List<Crumb> trail = new ArrayList<>();
    trail.add(new Crumb("Workflows", "/workflows"));
    trail.add(new Crumb(name, "/workflows/" + key));
    trail.add(new Crumb("run " + run, "/workflow-runs/" + run));
    if (step != null) {
      trail.add(new Crumb("step " + step, null));
    }
    return trail;
  }

  @Override
  public UUID resend(UUID organizationId, UUID sourceId, Execution.Request request) {
    throw ApiProblem.conflict(
        "step-not-resent",
        "A workflow step is not sent again from the history: the steps after it read its output."
            + " Retry the run from its failed step on the run's page (POST"
            + " /api/v1/workflow-runs/"
            + sourceId
            + "/retry).");
  }
}
