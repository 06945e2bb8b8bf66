package eu.runlater.workflows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * What started a run, as {@link RunsQueries#RUN_GET} reads it (and {@link
 * RunsQueries#RUN_START_EXECUTION}). A run has one origin; the columns are asked from the most
 * specific: a parent run (a sub-workflow), an event, the task of a job's occurrence or of a queue
 * message, then the API key or dashboard user of a start by hand.
 */
final class RunOrigins {
  private RunOrigins() {}

  /**
   * An origin as its row gives it, and the task whose last attempt it links to (a job's occurrence
   * or a queue message; null for other origins). The attempt is asked for once the row's query has
   * returned, never from inside its row mapper while that result set is open.
   */
  record Origin(RunView.StartedBy startedBy, UUID task) {
    /** The origin with its task's last attempt, asked of {@code lastAttempt} (null: none). */
    RunView.StartedBy withLastAttempt(UnaryOperator<UUID> lastAttempt) {
      if (task == null) {
        return startedBy;
      }
      var s = startedBy;
      return new RunView.StartedBy(
          s.kind(), s.id(), s.name(), s.keyPrefix(), lastAttempt.apply(task), s.link());
    }
  }

  /** The origin in {@code rs}'s row; null when nothing recorded started the run. */
  static Origin of(ResultSet rs) throws SQLException {
    UUID parent = rs.getObject("parent_run_id", UUID.class);
    if (parent != null) {
      return only(
          new RunView.StartedBy(
              "workflow_run",
              parent,
              rs.getString("parent_workflow"),
              null,
              null,
              "/workflow-runs/" + parent));
    }
    UUID event = rs.getObject("event_id", UUID.class);
    if (event != null) {
      return only(
          new RunView.StartedBy("event", event, rs.getString("event_name"), null, null, null));
    }
    UUID source = rs.getObject("start_source", UUID.class);
    String kind = rs.getString("start_kind");
    UUID task = rs.getObject("start_task", UUID.class);
    if ("job".equals(kind) && source != null) {
      return new Origin(
          new RunView.StartedBy(
              "job", source, rs.getString("job_name"), null, null, "/jobs/" + source),
          task);
    }
    if ("message".equals(kind) && source != null) {
      return new Origin(
          new RunView.StartedBy(
              "message", source, rs.getString("queue_name"), null, null, "/messages/" + source),
          task);
    }
    UUID key = rs.getObject("started_by_key", UUID.class);
    if (key != null) {
      return only(
          new RunView.StartedBy(
              "api_key",
              key,
              rs.getString("key_name"),
              rs.getString("key_prefix"),
              null,
              "/settings/api-keys"));
    }
    UUID user = rs.getObject("started_by_user", UUID.class);
    if (user != null) {
      return only(
          new RunView.StartedBy("user", user, rs.getString("user_email"), null, null, null));
    }
    return null;
  }

  private static Origin only(RunView.StartedBy startedBy) {
    return new Origin(startedBy, null);
  }
}
