package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Appends executions: the task's request beside what the attempt did. */
final class ExecutionRows {
  private ExecutionRows() {}

  static void insert(Connection c, List<Completion> completions) throws SQLException {
    List<Params> rows = new ArrayList<>(completions.size());
    for (Completion completion : completions) {
      rows.add(params(completion.task(), completion.execution()));
    }
    Db.columns(c, TaskQueries.EXECUTION_INSERT_MANY, TaskQueries.EXECUTION_COLUMNS, rows);
  }

  /**
   * The executions of attempts as {@link TaskQueries#TASK_RECORD_ATTEMPTS} takes them: one array
   * per column, and each attempt's fencing token beside them.
   */
  static Params attempts(List<Completion> completions) {
    List<Params> rows = new ArrayList<>(completions.size());
    for (Completion completion : completions) {
      rows.add(
          params(completion.task(), completion.execution())
              .put("token", completion.task().leaseToken()));
    }
    return Db.arrays(ATTEMPT_COLUMNS, rows);
  }

  private static final Map<String, String> ATTEMPT_COLUMNS = withToken();

  private static Map<String, String> withToken() {
    Map<String, String> types = new HashMap<>(TaskQueries.EXECUTION_COLUMNS);
    types.put("token", "bigint");
    return Map.copyOf(types);
  }

  static void insertEvents(Connection c, List<TaskEvent> events, String node, java.time.Instant now)
      throws SQLException {
    List<Params> rows = new ArrayList<>(events.size());
    for (TaskEvent e : events) {
      var id = Ids.v7(now);
      rows.add(
          Params.of("id", id)
              .put("created_at", Ids.instantOf(id))
              .put("organization_id", e.organizationId())
              .put("task_id", e.taskId())
              .put("source_kind", e.sourceKind())
              .put("source_id", e.sourceId())
              .put("attempt", 0)
              .put("status", e.status())
              .put("final", true)
              .put("scheduled_for", e.scheduledFor())
              .put("due_at", e.scheduledFor())
              .put("started_at", null)
              .put("finished_at", now)
              .put("duration_us", null)
              .put("status_code", null)
              .put("error", e.reason())
              .put("node", node)
              .put("next_attempt_at", null)
              .put("request_url", e.url())
              .put("request_method", e.method())
              .put("request_headers", null)
              .put("request_headers_derived", null)
              .put("request_sealed_headers", null)
              .put("request_body", null)
              .put("request_body_sealed", false)
              .put("response_headers", null)
              .put("response_body", null)
              .put("response_truncated", false)
              .put("held_by", null)
              .put("held_since", null)
              .put("held_until", null)
              .put("held_note", null)
              .put("request_sealed_url", null));
    }
    Db.columns(c, TaskQueries.EXECUTION_INSERT_MANY, TaskQueries.EXECUTION_COLUMNS, rows);
  }

  static Params params(ClaimedTask task, ExecutionRecord e) {
    TaskRequest r = task.request();
    List<Header> sent = new ArrayList<>(r.headers());
    boolean derived = SentHeaders.derivable(e.sentHeaders(), task, e);
    sent.addAll(derived ? e.sentHeaders().subList(0, 1) : e.sentHeaders());
    ExecutionRecord.Response response = e.response();
    ClaimedTask.Held held = task.held();
    return Params.of("id", e.id())
        .put("created_at", e.createdAt())
        .put("organization_id", task.organizationId())
        .put("task_id", task.id())
        .put("source_kind", task.sourceKind())
        .put("source_id", task.sourceId())
        .put("attempt", task.attempt())
        .put("status", e.status())
        .put("final", e.finalAttempt())
        .put("scheduled_for", task.scheduledFor())
        .put("due_at", task.runAt())
        .put("started_at", e.startedAt())
        .put("finished_at", e.finishedAt())
        .put("duration_us", e.durationUs())
        .put("status_code", e.statusCode())
        .put("error", e.error())
        .put("node", e.node())
        .put("next_attempt_at", e.nextAttemptAt())
        .put("request_url", r.url())
        .put("request_method", r.method())
        .put("request_headers", HeaderCodec.toJson(sent))
        .put("request_headers_derived", derived ? Boolean.TRUE : null)
        .put("request_sealed_headers", r.sealedHeaders())
        .put("request_body", r.body())
        .put("request_body_sealed", r.bodySealed())
        .put("response_headers", response == null ? null : HeaderCodec.toJson(response.headers()))
        .put("response_body", response == null ? null : response.body())
        .put("response_truncated", response != null && response.truncated())
        .put("held_by", held == null ? null : held.by())
        .put("held_since", held == null ? null : held.since())
        .put("held_until", held == null ? null : held.until())
        .put("held_note", held == null ? null : held.note())
        .put("request_sealed_url", r.sealedUrl());
  }
}
