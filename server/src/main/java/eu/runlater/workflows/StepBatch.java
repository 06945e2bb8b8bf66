package eu.runlater.workflows;

import static eu.runlater.workflows.RunAdvancer.PENDING;
import static eu.runlater.workflows.RunAdvancer.RUNNING;
import static eu.runlater.workflows.RunAdvancer.SKIPPED;
import static eu.runlater.workflows.RunAdvancer.SUCCEEDED;

import eu.runlater.engine.Completion;
import eu.runlater.engine.ExecutionRecord;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.OutcomeHook.Finished;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.Rows;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.RunAdvancer.StepRow;
import eu.runlater.workflows.WorkflowDefinition.Step;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.SqlArrayValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The common case of {@link StepOutcomes}, set-based: a completer batch's runs are locked in one
 * statement and their steps read in another; then, in memory, each run whose outcomes are plain (an
 * {@code http} or {@code sleep} step succeeded) records them and advances as {@link
 * RunAdvancer#advance} would, as long as what it lets start is a task ({@code http}, {@code sleep},
 * {@code wait_for_event}) or a skip, and the run, if that ends it, succeeds. The batch's step rows
 * are written in one statement, its tasks inserted in one, its ended runs finished in one.
 *
 * <p>Anything else — a failure, a deadline, an approval, a child run, a condition to evaluate, a
 * compensating or ended run — is planned for nothing and left to the per-run path, which runs after
 * this in the same transaction; a run is either wholly here or wholly there, and nothing is written
 * for a run before its plan is complete. So a batch of a thousand linear steps costs five
 * statements, where one run at a time costs six to eight each.
 */
final class StepBatch {
  private final RunAdvancer advancer;
  private final JsonMapper json;

  StepBatch(RunAdvancer advancer, JsonMapper json) {
    this.advancer = advancer;
    this.json = json;
  }

  /** One step row as the batch leaves it, with what only a start sets. */
  private record Change(UUID runId, StepRow row, String waitingFor) {}

  /** What one run's outcomes do, planned in memory. */
  private record Plan(List<Change> changes, List<NewTask> tasks, boolean ends) {}

  /**
   * Applies the outcomes it can; returns the runs (with their outcomes) left for the per-run path,
   * in the order given.
   */
  Map<UUID, List<Completion>> apply(
      Connection c, Map<UUID, List<Completion>> byRun, Finished finished) throws SQLException {
    UUID[] ids = byRun.keySet().toArray(UUID[]::new);
    Map<UUID, LockedRun> runs = new HashMap<>();
    Map<UUID, Map<String, StepRow>> steps = new HashMap<>();
    lockAndRead(c, ids, runs, steps);
    Instant now = finished.now();
    Map<UUID, List<Completion>> left = new LinkedHashMap<>();
    List<Change> changes = new ArrayList<>();
    List<NewTask> tasks = new ArrayList<>();
    List<LockedRun> ended = new ArrayList<>();
    for (var e : byRun.entrySet()) {
      LockedRun run = runs.get(e.getKey());
      Plan plan = null;
      if (run != null && RUNNING.equals(run.state()) && !run.compensating()) {
        try {
          plan = plan(c, run, e.getValue(), steps.getOrDefault(run.id(), Map.of()), now);
        } catch (RuntimeException renderingFailed) {
          // What the per-run path does with it is what it has always done.
          plan = null;
        }
      }
      if (plan == null) {
        if (run != null) {
          left.put(e.getKey(), e.getValue());
        }
        continue;
      }
      changes.addAll(plan.changes());
      tasks.addAll(plan.tasks());
      if (plan.ends()) {
        ended.add(run);
      }
    }
    write(c, changes, now);
    for (LockedRun run : ended) {
      // Alerts hear of it at StepOutcomes' flush; its concurrency key lets a queued run start.
      advancer.ended(c, run, SUCCEEDED, null, now);
      if (run.parentRunId() != null) {
        // The parent learns of it from this task's outcome, in its own lock (RunAdvancer#end).
        tasks.add(
            RunAdvancer.internalTask(
                run.organizationId(),
                run.parentRunId(),
                run.tier(),
                RunAdvancer.CHILD + run.id(),
                now,
                now));
      }
    }
    if (!tasks.isEmpty()) {
      finished.insertHandingOff(tasks);
    }
    if (!ended.isEmpty()) {
      finish(c, ended, now);
    }
    return left;
  }

  /**
   * Locks the runs ({@link RunsQueries#RUNS_LOCK_MANY}) and then reads their steps ({@link
   * RunsQueries#STEPS_OF_RUNS}): two statements sent in one round trip. They must stay two: the
   * steps' statement takes its snapshot once the first has the locks, so it sees what a transaction
   * that held a run's lock committed, which one statement's snapshot, taken before the wait, would
   * not.
   */
  static void lockAndRead(
      Connection c, UUID[] ids, Map<UUID, LockedRun> runs, Map<UUID, Map<String, StepRow>> steps)
      throws SQLException {
    RowMapper<LockedRun> locked = Rows.of(LockedRun.class);
    try (PreparedStatement ps = c.prepareStatement(RUNS_THEN_STEPS)) {
      Array array = c.createArrayOf("uuid", ids);
      ps.setArray(1, array);
      ps.setArray(2, array);
      ps.execute();
      try (ResultSet rs = ps.getResultSet()) {
        for (int n = 0; rs.next(); n++) {
          LockedRun r = locked.mapRow(rs, n);
          runs.put(r.id(), r);
        }
      }
      if (!ps.getMoreResults()) {
        throw new SQLException("no result for the runs' steps");
      }
      try (ResultSet rs = ps.getResultSet()) {
        for (int n = 0; rs.next(); n++) {
          UUID runId = rs.getObject("run_id", UUID.class);
          StepRow row = StepRow.of(rs, n);
          steps.computeIfAbsent(runId, k -> new LinkedHashMap<>()).put(row.name(), row);
        }
      }
    }
  }

  // The two as one string of two statements: the driver sends them together, each with its own
  // snapshot.
  private static final String RUNS_THEN_STEPS =
      positional(RunsQueries.RUNS_LOCK_MANY) + ";\n" + positional(RunsQueries.STEPS_OF_RUNS);

  private static String positional(String sql) {
    return sql.replace(":ids::uuid[]", "?::uuid[]").strip();
  }

  /** The run's outcomes and the advance they allow, or null when any of it is not plain. */
  private Plan plan(
      Connection c,
      LockedRun run,
      List<Completion> outcomes,
      Map<String, StepRow> given,
      Instant now) {
    WorkflowDefinition d = advancer.definition(c, run);
    Map<String, Step> byName = d.byName();
    Map<String, StepRow> rows = new LinkedHashMap<>(given);
    Map<String, Change> changed = new LinkedHashMap<>();
    for (Completion o : outcomes) {
      UUID taskId = o.task().id();
      StepRow row = null;
      for (StepRow r : rows.values()) {
        if (taskId.equals(r.taskId()) && RUNNING.equals(r.state())) {
          row = r;
        }
      }
      ExecutionRecord e = o.execution();
      if (row == null || !ExecutionRecord.SUCCESS.equals(e.status())) {
        return null;
      }
      Step step = byName.get(row.name());
      boolean http = WorkflowDefinition.HTTP.equals(step.kind());
      if (!http && !WorkflowDefinition.SLEEP.equals(step.kind())) {
        return null;
      }
      JsonNode output = http ? StepOutcomes.output(json, e) : null;
      StepRow done =
          new StepRow(
              row.name(),
              SUCCEEDED,
              row.taskId(),
              row.attempts() + (http ? o.task().attempt() : 0),
              row.startedAt() == null ? now : row.startedAt(),
              now,
              output == null ? null : output.toString(),
              null,
              null,
              e.id(),
              row.childRunId());
      rows.put(done.name(), done);
      changed.put(done.name(), new Change(run.id(), done, null));
    }
    Set<String> compensations = d.compensations();
    JsonNode input = null;
    List<NewTask> tasks = new ArrayList<>();
    boolean moved = true;
    while (moved) {
      moved = false;
      for (Step step : d.steps()) {
        StepRow row = rows.get(step.name());
        if (!PENDING.equals(row.state()) || compensations.contains(step.name())) {
          continue;
        }
        RunAdvancer.Verdict v = advancer.verdict(step, byName, rows);
        if (v.waits()) {
          continue;
        }
        moved = true;
        if (v.skipReason() != null) {
          String decision =
              JsonNodeFactory.instance.objectNode().put("reason", v.skipReason()).toString();
          StepRow skipped = ended(row, SKIPPED, decision, now);
          rows.put(step.name(), skipped);
          changed.put(step.name(), new Change(run.id(), skipped, null));
          continue;
        }
        NewTask task;
        String waitingFor = null;
        switch (step.kind()) {
          case WorkflowDefinition.HTTP -> {
            input = input == null ? json.readTree(run.input()) : input;
            task = RunAdvancer.ownId(advancer.httpTask(run, step, input, rows, now), rows, step);
          }
          case WorkflowDefinition.SLEEP -> {
            Instant at =
                step.sleep().until() != null
                    ? step.sleep().until()
                    : now.plus(step.sleep().duration());
            task =
                RunAdvancer.ownId(
                    RunAdvancer.internalTask(run, "sleep", at.isBefore(now) ? now : at, now),
                    rows,
                    step);
          }
          case WorkflowDefinition.WAIT -> {
            task =
                RunAdvancer.internalTask(run, "timeout", now.plus(step.waitFor().timeout()), now);
            waitingFor = step.waitFor().event();
          }
          default -> {
            return null;
          }
        }
        tasks.add(task);
        StepRow started =
            new StepRow(
                row.name(),
                RUNNING,
                task.id(),
                row.attempts(),
                now,
                null,
                row.output(),
                row.decision(),
                null,
                row.executionId(),
                row.childRunId());
        rows.put(step.name(), started);
        changed.put(step.name(), new Change(run.id(), started, waitingFor));
      }
    }
    boolean ends = RunAdvancer.allEnded(rows.values(), compensations);
    if (ends && (run.deadlineTaskId() != null || !compensations.isEmpty())) {
      // The deadline's task to remove, compensations to skip: RunAdvancer#end's way.
      return null;
    }
    return new Plan(List.copyOf(changed.values()), tasks, ends);
  }

  private static StepRow ended(StepRow row, String state, String decision, Instant now) {
    return new StepRow(
        row.name(),
        state,
        row.taskId(),
        row.attempts(),
        row.startedAt(),
        now,
        row.output(),
        decision,
        row.error(),
        row.executionId(),
        row.childRunId());
  }

  private static void write(Connection c, List<Change> changes, Instant now) {
    if (changes.isEmpty()) {
      return;
    }
    int n = changes.size();
    Object[] runIds = new Object[n];
    Object[] names = new Object[n];
    Object[] states = new Object[n];
    Object[] taskIds = new Object[n];
    Object[] attempts = new Object[n];
    Object[] started = new Object[n];
    Object[] finishedAt = new Object[n];
    Object[] outputs = new Object[n];
    Object[] decisions = new Object[n];
    Object[] errors = new Object[n];
    Object[] executionIds = new Object[n];
    Object[] waiting = new Object[n];
    for (int i = 0; i < n; i++) {
      Change ch = changes.get(i);
      StepRow r = ch.row();
      runIds[i] = ch.runId();
      names[i] = r.name();
      states[i] = r.state();
      taskIds[i] = r.taskId();
      attempts[i] = r.attempts();
      started[i] = SqlTime.ts(r.startedAt());
      finishedAt[i] = SqlTime.ts(r.finishedAt());
      outputs[i] = r.output();
      decisions[i] = r.decision();
      errors[i] = r.error();
      executionIds[i] = r.executionId();
      waiting[i] = ch.waitingFor();
    }
    ConnectionSql.on(c)
        .sql(RunsQueries.STEPS_WRITE_MANY)
        .param("run_ids", new SqlArrayValue("uuid", runIds))
        .param("names", new SqlArrayValue("text", names))
        .param("states", new SqlArrayValue("text", states))
        .param("task_ids", new SqlArrayValue("uuid", taskIds))
        .param("attempts", new SqlArrayValue("integer", attempts))
        .param("started", new SqlArrayValue("timestamptz", started))
        .param("finished", new SqlArrayValue("timestamptz", finishedAt))
        .param("outputs", new SqlArrayValue("text", outputs))
        .param("decisions", new SqlArrayValue("text", decisions))
        .param("errors", new SqlArrayValue("text", errors))
        .param("execution_ids", new SqlArrayValue("uuid", executionIds))
        .param("waiting", new SqlArrayValue("text", waiting))
        .update();
  }

  /** Runs whose every step ended: succeeded, as {@link RunAdvancer#end} would record it. */
  private static void finish(Connection c, List<LockedRun> ended, Instant now) {
    Object[] ids = new Object[ended.size()];
    Object[] states = new Object[ended.size()];
    Object[] errors = new Object[ended.size()];
    for (int i = 0; i < ended.size(); i++) {
      ids[i] = ended.get(i).id();
      states[i] = SUCCEEDED;
    }
    ConnectionSql.on(c)
        .sql(RunsQueries.RUNS_FINISH_MANY)
        .param("ids", new SqlArrayValue("uuid", ids))
        .param("states", new SqlArrayValue("text", states))
        .param("errors", new SqlArrayValue("text", errors))
        .param("now", SqlTime.ts(now))
        .update();
  }
}
