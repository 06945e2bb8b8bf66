package eu.runlater.jobs;

import eu.runlater.cron.CronSchedule;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.SqlTime;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/** Maps job rows, and the run state the API shows beside them. */
final class JobRows {
  private JobRows() {}

  static Job job(ResultSet rs) throws SQLException {
    Array names = rs.getArray("secret_header_names");
    return new Job(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("key"),
        rs.getString("name"),
        schedule(rs),
        new JobRequest(
            rs.getString("url"),
            rs.getString("method"),
            HeaderCodec.fromJson(rs.getString("headers")),
            rs.getBytes("sealed_headers"),
            names == null ? List.of() : List.of((String[]) names.getArray()),
            rs.getBytes("body"),
            rs.getBoolean("body_sealed"),
            rs.getInt("timeout_ms")),
        rs.getInt("retries"),
        rs.getBoolean("enabled"),
        Policies.CatchUp.of(rs.getString("catch_up")),
        Policies.Overlap.of(rs.getString("overlap")),
        rs.getObject("pending_task_id", UUID.class),
        SqlTime.instant(rs, "schedule_changed_at"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"));
  }

  static Schedule schedule(ResultSet rs) throws SQLException {
    if ("cron".equals(rs.getString("schedule_type"))) {
      return new Schedule.Cron(
          CronSchedule.parseCached(rs.getString("cron_expression")),
          ZoneId.of(rs.getString("timezone")));
    }
    String zone = rs.getString("timezone");
    return new Schedule.Once(SqlTime.instant(rs, "run_at"), zone == null ? null : ZoneId.of(zone));
  }

  /**
   * The job's waiting run and latest attempt, as read beside it. The task's state is the engine's:
   * {@code ready}, {@code running}, or {@code held} (its target's circuit is open).
   */
  record RunState(
      String taskState,
      Instant taskRunAt,
      int taskAttempt,
      Instant taskScheduledFor,
      Instant nextRunAt,
      UUID lastId,
      String lastStatus,
      Integer lastStatusCode,
      Instant lastStartedAt,
      Instant lastFinishedAt,
      boolean lastFinal) {}

  static RunState state(ResultSet rs) throws SQLException {
    return new RunState(
        rs.getString("task_state"),
        SqlTime.instant(rs, "task_run_at"),
        rs.getInt("task_attempt"),
        SqlTime.instant(rs, "task_scheduled_for"),
        SqlTime.instant(rs, "next_run_at"),
        rs.getObject("last_id", UUID.class),
        rs.getString("last_status"),
        (Integer) rs.getObject("last_status_code"),
        SqlTime.instant(rs, "last_started_at"),
        SqlTime.instant(rs, "last_finished_at"),
        rs.getBoolean("last_final"));
  }

  record JobWithState(Job job, RunState state) {}
}
