package eu.runlater.workflows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * What started a run, as {@link RunsQueries#RUN_GET} reads it (and {@link
 * RunsQueries#RUN_START_EXECUTION}). A run has one origin; the columns are asked from the most
 * specific: a parent run (a sub-workflow), an event, the task of a job's occurrence or of a queue
 * message, then the API key or dashboard user of a start by hand.
 */
final class RunOrigins {
  private RunOrigins() {}

  /**
   * The origin in {@code rs}'s row; for a job's occurrence or a queue message, its task's last
   * attempt asked of {@code lastAttempt} (by the task's id; null when it has none).
   */
  static RunView.StartedBy of(ResultSet rs, java.util.function.UnaryOperator<UUID> lastAttempt)
      throws SQLException {
    UUID parent = rs.getObject("parent_run_id", UUID.class);
    if (parent != null) {
      return new RunView.StartedBy(
          "workflow_run",
          parent,
          rs.getString("parent_workflow"),
          null,
          null,
          "/workflow-runs/" + parent);
    }
    UUID event = rs.getObject("event_id", UUID.class);
    if (event != null) {
      return new RunView.StartedBy("event", event, rs.getString("event_name"), null, null, null);
    }
    UUID source = rs.getObject("start_source", UUID.class);
    String kind = rs.getString("start_kind");
    UUID task = rs.getObject("start_task", UUID.class);
    UUID execution =
        source != null && task != null && ("job".equals(kind) || "message".equals(kind))
            ? lastAttempt.apply(task)
            : null;
    if ("job".equals(kind) && source != null) {
      return new RunView.StartedBy(
          "job", source, rs.getString("job_name"), null, execution, "/jobs/" + source);
    }
    if ("message".equals(kind) && source != null) {
      return new RunView.StartedBy(
          "message", source, rs.getString("queue_name"), null, execution, "/messages/" + source);
    }
    UUID key = rs.getObject("started_by_key", UUID.class);
    if (key != null) {
      return new RunView.StartedBy(
          "api_key",
          key,
          rs.getString("key_name"),
          rs.getString("key_prefix"),
          null,
          "/settings/api-keys");
    }
    UUID user = rs.getObject("started_by_user", UUID.class);
    if (user != null) {
      return new RunView.StartedBy("user", user, rs.getString("user_email"), null, null, null);
    }
    return null;
  }
}
