package eu.runlater.workflows;

import static eu.runlater.workflows.WorkflowPagesQueries.STEP_TASKS_DUE;
import static eu.runlater.workflows.WorkflowPagesQueries.STEP_WAITING_FOR;
import static eu.runlater.workflows.WorkflowPagesQueries.WORKFLOW_RUN_SUMMARIES;
import static eu.runlater.workflows.WorkflowPagesQueries.WORKFLOW_VERSIONS;

import eu.runlater.engine.SqlTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** What the workflow pages read besides the API's views: run counts, versions, due times. */
@Component
class WorkflowPageReads {
  private final JdbcClient db;

  WorkflowPageReads(JdbcClient db) {
    this.db = db;
  }

  /**
   * A workflow's runs on the list: how many by state since a time (running ones whatever their
   * age), and its newest run, if any.
   */
  record RunSummary(
      long running,
      long succeeded,
      long failed,
      long cancelled,
      UUID lastId,
      String lastState,
      Instant lastAt) {
    static final RunSummary NONE = new RunSummary(0, 0, 0, 0, null, null, null);

    public long total() {
      return running + succeeded + failed + cancelled;
    }
  }

  Map<UUID, RunSummary> summaries(UUID org, List<UUID> workflows, Instant since) {
    Map<UUID, RunSummary> out = new HashMap<>();
    if (workflows.isEmpty()) {
      return out;
    }
    db.sql(WORKFLOW_RUN_SUMMARIES)
        .param("organization_id", org)
        .param("ids", workflows.toArray(UUID[]::new))
        .param("since", SqlTime.ts(since))
        .query(
            (rs, n) ->
                out.put(
                    rs.getObject("workflow_id", UUID.class),
                    new RunSummary(
                        rs.getLong("running"),
                        rs.getLong("succeeded"),
                        rs.getLong("failed"),
                        rs.getLong("cancelled"),
                        rs.getObject("last_id", UUID.class),
                        rs.getString("last_state"),
                        SqlTime.instant(rs, "last_at"))))
        .list();
    return out;
  }

  record Version(int version, Instant createdAt) {}

  List<Version> versions(UUID org, UUID workflowId) {
    return db.sql(WORKFLOW_VERSIONS)
        .param("organization_id", org)
        .param("workflow_id", workflowId)
        .query((rs, n) -> new Version(rs.getInt("version"), SqlTime.instant(rs, "created_at")))
        .list();
  }

  /** Each running step's task due time: a sleep's wake, a wait's timeout, a retry's next try. */
  Map<String, Instant> due(UUID runId) {
    Map<String, Instant> out = new HashMap<>();
    db.sql(STEP_TASKS_DUE)
        .param("run_id", runId)
        .query((rs, n) -> out.put(rs.getString("name"), SqlTime.instant(rs, "run_at")))
        .list();
    return out;
  }

  /** The event each waiting step of a run waits for. */
  Map<String, String> waitingFor(UUID runId) {
    Map<String, String> out = new HashMap<>();
    db.sql(STEP_WAITING_FOR)
        .param("run_id", runId)
        .query((rs, n) -> out.put(rs.getString("name"), rs.getString("waiting_for")))
        .list();
    return out;
  }
}
