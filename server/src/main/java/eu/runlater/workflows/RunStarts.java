package eu.runlater.workflows;

import static eu.runlater.workflows.StartsQueries.START_GET;
import static eu.runlater.workflows.StartsQueries.START_INSERT;

import eu.runlater.engine.SqlTime;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Starts the run a delivered task asks for ({@code workflow:start/<key>}: a job's occurrence, a
 * queue's message), at most once per task. The run, its first tasks and the {@code workflow_starts}
 * row naming the task commit together; a task delivered again (at-least-once: the node that started
 * the run died before its attempt was recorded) finds that row and answers with the run it started.
 * Two deliveries at once collide on the row's primary key: the later one rolls back whole, run
 * included, and reads the first's.
 */
@Component
class RunStarts {
  private final JdbcClient db;
  private final RunCommands runs;
  private final InstantSource clock;

  RunStarts(JdbcClient db, RunCommands runs, InstantSource clock) {
    this.db = db;
    this.runs = runs;
    this.clock = clock;
  }

  /**
   * @param started whether this call started the run (false: an earlier delivery of the task did)
   */
  record Started(UUID runId, String state, boolean started) {}

  /** The run the task started, if it started one. */
  @Transactional(readOnly = true)
  Optional<Started> find(UUID org, UUID taskId) {
    return db.sql(START_GET)
        .param("task_id", taskId)
        .param("organization_id", org)
        .query(
            (rs, n) ->
                new Started(rs.getObject("run_id", UUID.class), rs.getString("state"), false))
        .optional();
  }

  /**
   * Starts a run of the workflow's current version for the task, unless the task started one
   * already. Throws the start's {@link eu.runlater.platform.errors.ApiProblem} (no such workflow,
   * archived, input failing its schema) with nothing written.
   */
  @Transactional
  Started start(UUID org, UUID taskId, String key, JsonNode input) throws SQLException {
    Optional<Started> earlier = find(org, taskId);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    RunView run = runs.start(org, key, input);
    db.sql(START_INSERT)
        .param("task_id", taskId)
        .param("run_id", run.id())
        .param("organization_id", org)
        .param("now", SqlTime.ts(clock.instant()))
        .update();
    return new Started(run.id(), run.state(), true);
  }
}
