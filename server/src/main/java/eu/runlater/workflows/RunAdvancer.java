package eu.runlater.workflows;

import static eu.runlater.workflows.RunsQueries.RUN_FINISH;
import static eu.runlater.workflows.RunsQueries.RUN_LOCK;
import static eu.runlater.workflows.RunsQueries.RUN_STEPS;
import static eu.runlater.workflows.RunsQueries.STEPS_CANCEL_PENDING;
import static eu.runlater.workflows.RunsQueries.STEP_FINISH;
import static eu.runlater.workflows.RunsQueries.STEP_START;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.Header;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.Rows;
import eu.runlater.platform.engine.Priorities;
import eu.runlater.workflows.WorkflowDefinition.Step;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves a run forward under its row lock, on whatever connection the caller's transaction holds —
 * the API's (a run started, cancelled or retried) or the engine's outcome transaction (a step's
 * task finished). So a step's result, the decisions it allows (conditions evaluated, joins met or
 * made impossible, branches skipped) and the tasks of the steps it lets start commit together or
 * not at all: a crash between two of them cannot exist.
 *
 * <p>Steps start in definition order once their join is met; a condition is evaluated at once, in
 * the same pass. The run succeeds when every step has ended (a failure under {@code on_failure:
 * continue} included) and fails at the first other failure: pending steps are cancelled and waiting
 * tasks removed; a task already in flight finishes and is recorded, but moves nothing.
 */
@Component
class RunAdvancer {
  static final String SOURCE_KIND = "run";
  static final String PENDING = "pending";
  static final String RUNNING = "running";
  static final String SUCCEEDED = "succeeded";
  static final String FAILED = "failed";
  static final String SKIPPED = "skipped";
  static final String CANCELLED = "cancelled";
  static final String CANCELLING = "cancelling";

  /** What a child run's end task is to: {@code workflow:child/<child run id>}. */
  static final String CHILD = "child/";

  /** Where the tasks go: the engine, on the caller's transaction. */
  interface TaskSink {
    void insert(List<NewTask> tasks) throws SQLException;

    /** Removes the task if it is waiting (not claimed); whether it did. */
    boolean deleteWaiting(UUID organizationId, UUID taskId) throws SQLException;
  }

  /** A run as locked: what advancing it needs. */
  record LockedRun(
      UUID id,
      UUID organizationId,
      UUID workflowId,
      int version,
      String state,
      String input,
      UUID deadlineTaskId,
      String tier,
      UUID parentRunId,
      boolean compensating,
      String error) {}

  record StepRow(
      String name,
      String state,
      UUID taskId,
      int attempts,
      Instant startedAt,
      Instant finishedAt,
      String output,
      String decision,
      String error,
      UUID executionId,
      UUID childRunId) {
    static StepRow of(java.sql.ResultSet rs, int n) throws SQLException {
      return new StepRow(
          rs.getString("name"),
          rs.getString("state"),
          rs.getObject("task_id", UUID.class),
          rs.getInt("attempts"),
          SqlTime.instant(rs, "started_at"),
          SqlTime.instant(rs, "finished_at"),
          rs.getString("output"),
          rs.getString("decision"),
          rs.getString("error"),
          rs.getObject("execution_id", UUID.class),
          rs.getObject("child_run_id", UUID.class));
    }

    /** This row in another state, as {@link #advance} keeps its rows between writes. */
    StepRow as(String state) {
      return new StepRow(
          name,
          state,
          taskId,
          attempts,
          startedAt,
          finishedAt,
          output,
          decision,
          error,
          executionId,
          childRunId);
    }
  }

  /** The kinds whose start is a task and a step row's update, nothing else. */
  private static final java.util.Set<String> TASK_KINDS =
      java.util.Set.of(WorkflowDefinition.HTTP, WorkflowDefinition.SLEEP, WorkflowDefinition.WAIT);

  private final Definitions definitions;
  private final Conditions conditions;
  private final JsonMapper json;
  private final Backoff defaultBackoff;
  private final eu.runlater.engine.SecretBox secrets;
  private final WorkflowAlerts alerts;
  private final RunConcurrency concurrency;
  private final com.networknt.schema.SchemaRegistry schemas =
      com.networknt.schema.SchemaRegistry.withDefaultDialect(
          com.networknt.schema.SpecificationVersion.DRAFT_2020_12);

  RunAdvancer(
      Definitions definitions,
      Conditions conditions,
      JsonMapper json,
      eu.runlater.platform.engine.EngineProperties engine,
      eu.runlater.engine.SecretBox secrets,
      WorkflowAlerts alerts,
      RunConcurrency concurrency) {
    this.alerts = alerts;
    this.secrets = secrets;
    this.concurrency = concurrency;
    this.definitions = definitions;
    this.conditions = conditions;
    this.json = json;
    this.defaultBackoff = engine.backoff();
  }

  Optional<LockedRun> lock(Connection c, UUID runId) {
    return ConnectionSql.on(c)
        .sql(RUN_LOCK)
        .param("id", runId)
        .query(Rows.of(LockedRun.class))
        .optional();
  }

  WorkflowDefinition definition(Connection c, LockedRun run) {
    return definitions.get(c, run.workflowId(), run.version());
  }

  Map<String, StepRow> steps(Connection c, UUID runId) {
    Map<String, StepRow> rows = new LinkedHashMap<>();
    for (StepRow r :
        ConnectionSql.on(c).sql(RUN_STEPS).param("run_id", runId).query(StepRow::of).list()) {
      rows.put(r.name(), r);
    }
    return rows;
  }

  /**
   * Records a step's end. A failure that does not continue fails the run (and returns false: the
   * run is not to be advanced).
   */
  boolean finishStep(
      Connection c,
      LockedRun run,
      Step step,
      boolean ok,
      JsonNode output,
      JsonNode decision,
      String error,
      int attempts,
      UUID executionId,
      Instant now,
      TaskSink sink)
      throws SQLException {
    ConnectionSql.on(c)
        .sql(STEP_FINISH)
        .param("run_id", run.id())
        .param("name", step.name())
        .param("state", ok ? SUCCEEDED : FAILED)
        .param("output", output == null ? null : output.toString())
        .param("decision", decision == null ? null : decision.toString())
        .param("error", error)
        .param("attempts", attempts)
        .param("execution_id", executionId)
        .param("now", SqlTime.ts(now))
        .update();
    if (CANCELLING.equals(run.state())) {
      // A cancelled run waits for its steps in flight (on_cancel: finish): the last one ends it.
      if (steps(c, run.id()).values().stream().noneMatch(r -> RUNNING.equals(r.state()))) {
        end(c, run, CANCELLED, run.error(), now, sink);
      }
      return false;
    }
    if (RUNNING.equals(run.state()) && run.compensating()) {
      // Only the compensation step moves a compensating run: its end fails the run.
      if (definition(c, run).compensations().contains(step.name())) {
        String how =
            ok
                ? "; compensated by " + step.name()
                : "; its compensation " + step.name() + " failed too: " + error;
        end(c, run, FAILED, run.error() + how, now, sink);
      }
      return false;
    }
    if (!ok && !step.continueOnFailure() && RUNNING.equals(run.state())) {
      String failure = "step " + step.name() + " failed: " + error;
      if (step.compensate() != null) {
        compensate(c, run, step, failure, now, sink);
      } else {
        end(c, run, FAILED, failure, now, sink);
      }
      return false;
    }
    return true;
  }

  /**
   * A step with a compensation failed: nothing else starts (pending steps cancelled, waiting tasks
   * removed), the failure is kept as the run's error, and the compensation step starts alone.
   */
  private void compensate(
      Connection c, LockedRun run, Step failed, String failure, Instant now, TaskSink sink)
      throws SQLException {
    ConnectionSql.on(c)
        .sql(RunsQueries.RUN_COMPENSATE)
        .param("id", run.id())
        .param("error", failure)
        .update();
    ConnectionSql.on(c)
        .sql(RunsQueries.STEPS_CANCEL_PENDING_BUT)
        .param("run_id", run.id())
        .param("kept", failed.compensate())
        .param("now", SqlTime.ts(now))
        .update();
    stopRunning(c, run, now, sink);
    LockedRun again = lock(c, run.id()).orElseThrow();
    Step compensation = definition(c, again).byName().get(failed.compensate());
    start(c, again, compensation, json.readTree(again.input()), steps(c, run.id()), now, sink);
  }

  /** Ends a running run: pending steps cancelled, waiting tasks (and the deadline) removed. */
  void end(Connection c, LockedRun run, String state, String error, Instant now, TaskSink sink)
      throws SQLException {
    ConnectionSql.on(c)
        .sql(RUN_FINISH)
        .param("id", run.id())
        .param("state", state)
        .param("error", error)
        .param("now", SqlTime.ts(now))
        .update();
    ConnectionSql.on(c)
        .sql(STEPS_CANCEL_PENDING)
        .param("run_id", run.id())
        .param("now", SqlTime.ts(now))
        .update();
    stopRunning(c, run, now, sink);
    ended(c, run, state, error, now);
    if (run.deadlineTaskId() != null) {
      sink.deleteWaiting(run.organizationId(), run.deadlineTaskId());
    }
    if (run.parentRunId() != null) {
      // The parent's step learns of this end in the parent's own lock, from this task's outcome.
      sink.insert(
          List.of(
              internalTask(
                  run.organizationId(),
                  run.parentRunId(),
                  run.tier(),
                  CHILD + run.id(),
                  now,
                  now)));
    }
  }

  /**
   * What a run's end tells others, whichever path ended it ({@link #end}, {@link StepBatch}):
   * alerts (its outcome) and its concurrency key (the next queued run may start).
   */
  void ended(Connection c, LockedRun run, String state, String error, Instant now) {
    alerts.runEnded(c, run, state, error, now);
    concurrency.released(c, run);
  }

  /**
   * Stops what runs: children cancelled, waiting tasks removed (their steps cancelled); a request
   * already in flight finishes and is recorded, moving nothing.
   */
  void stopRunning(Connection c, LockedRun run, Instant now, TaskSink sink) throws SQLException {
    for (StepRow r : steps(c, run.id()).values()) {
      boolean child = RUNNING.equals(r.state()) && r.childRunId() != null;
      if (child) {
        // Parent before child, always: a child's end tells its parent by a task, never by a lock.
        Optional<LockedRun> running =
            lock(c, r.childRunId())
                .filter(x -> RUNNING.equals(x.state()) || RunConcurrency.QUEUED.equals(x.state()));
        if (running.isPresent()) {
          end(c, running.get(), CANCELLED, "its parent run " + run.id() + " ended", now, sink);
        }
      }
      if (child
          || RUNNING.equals(r.state())
              && r.taskId() != null
              && sink.deleteWaiting(run.organizationId(), r.taskId())) {
        ConnectionSql.on(c)
            .sql(RunsQueries.STEP_CANCEL)
            .param("run_id", run.id())
            .param("name", r.name())
            .param("now", SqlTime.ts(now))
            .update();
      }
    }
  }

  /** Starts every step whose join is met, skips those whose join cannot be, until none moves. */
  void advance(Connection c, LockedRun run, Instant now, TaskSink sink) throws SQLException {
    advance(c, run, now, sink, null);
  }

  /**
   * As {@link #advance(Connection, LockedRun, Instant, TaskSink)}; {@code fresh}, when given: the
   * task ids the run's steps were inserted with in this transaction ({@link #taskIds}), nothing of
   * it having moved, so its steps, all pending, need not be read.
   */
  void advance(Connection c, LockedRun run, Instant now, TaskSink sink, UUID[] fresh)
      throws SQLException {
    if (!RUNNING.equals(run.state()) || run.compensating()) {
      return;
    }
    WorkflowDefinition d = definition(c, run);
    java.util.Set<String> compensations = d.compensations();
    Map<String, Step> byName = d.byName();
    JsonNode input = json.readTree(run.input());
    // Read once, then kept as written: a skip or a task's start changes only the state this loop
    // reads; what else may write (a condition, a child run, an approval) is read back after it.
    Map<String, StepRow> rows = fresh != null ? pending(d, fresh) : steps(c, run.id());
    boolean moved = true;
    while (moved) {
      moved = false;
      for (Step step : d.steps()) {
        if (!PENDING.equals(rows.get(step.name()).state()) || compensations.contains(step.name())) {
          continue;
        }
        Verdict v = verdict(step, byName, rows);
        if (v.waits()) {
          continue;
        }
        moved = true;
        if (v.skipReason() != null) {
          skip(c, run, step, v.skipReason(), now);
          rows.put(step.name(), rows.get(step.name()).as(SKIPPED));
        } else if (!start(c, run, step, input, rows, now, sink)) {
          return;
        } else if (TASK_KINDS.contains(step.kind())) {
          rows.put(step.name(), rows.get(step.name()).as(RUNNING));
        } else {
          rows = steps(c, run.id());
        }
      }
    }
    if (allEnded(rows.values(), compensations)) {
      for (StepRow r : rows.values()) {
        if (compensations.contains(r.name()) && PENDING.equals(r.state())) {
          skip(c, run, byName.get(r.name()), "no step it compensates failed", now);
        }
      }
      end(c, run, SUCCEEDED, null, now, sink);
    }
  }

  /** A new run's steps, as {@code RUN_STEPS_INSERT} leaves them with these task ids. */
  private static Map<String, StepRow> pending(WorkflowDefinition d, UUID[] taskIds) {
    Map<String, StepRow> rows = new LinkedHashMap<>();
    for (int i = 0; i < d.steps().size(); i++) {
      String name = d.steps().get(i).name();
      rows.put(
          name,
          new StepRow(name, PENDING, taskIds[i], 0, null, null, null, null, null, null, null));
    }
    return rows;
  }

  /**
   * Whether every step has ended (a failure under {@code on_failure: continue} included), counting
   * a compensation that never started as ended.
   */
  static boolean allEnded(java.util.Collection<StepRow> rows, java.util.Set<String> compensations) {
    return rows.stream()
        .allMatch(
            r ->
                List.of(SUCCEEDED, FAILED, SKIPPED).contains(r.state())
                    || compensations.contains(r.name()) && PENDING.equals(r.state()));
  }

  record Verdict(boolean waits, String skipReason) {}

  /** Whether a pending step may run now, must be skipped (and why), or waits. */
  Verdict verdict(Step step, Map<String, Step> byName, Map<String, StepRow> rows) {
    int done = 0;
    int open = 0;
    List<String> dead = new ArrayList<>();
    for (String dep : step.dependsOn()) {
      StepRow r = rows.get(dep);
      Step ds = byName.get(dep);
      switch (r.state()) {
        case PENDING, RUNNING -> open++;
        case SUCCEEDED -> {
          if (ds.condition() == null || onChosenBranch(step.name(), ds, r)) {
            done++;
          } else {
            dead.add(dep + " chose the other branch");
          }
        }
        case FAILED -> {
          if (ds.continueOnFailure()) {
            done++;
          } else {
            dead.add(dep + " failed");
          }
        }
        default -> dead.add(dep + " " + r.state());
      }
    }
    int needed = step.join().needed(step.dependsOn().size());
    if (done >= needed) {
      return new Verdict(false, null);
    }
    if (done + open < needed) {
      return new Verdict(
          false,
          "join "
              + step.join().asJson()
              + " of "
              + step.dependsOn().size()
              + " can no longer be met: "
              + String.join(", ", dead));
    }
    return new Verdict(true, null);
  }

  private boolean onChosenBranch(String step, Step condition, StepRow row) {
    boolean result =
        row.output() != null && json.readTree(row.output()).path("result").asBoolean(false);
    return result
        ? condition.condition().thenSteps().contains(step)
        : condition.condition().elseSteps().contains(step);
  }

  private void skip(Connection c, LockedRun run, Step step, String reason, Instant now) {
    ObjectNode decision = JsonNodeFactory.instance.objectNode().put("reason", reason);
    ConnectionSql.on(c)
        .sql(RunsQueries.STEP_SKIP)
        .param("run_id", run.id())
        .param("name", step.name())
        .param("decision", decision.toString())
        .param("now", SqlTime.ts(now))
        .update();
  }

  /** Starts one step; false when that ended the run (a condition that failed to evaluate). */
  private boolean start(
      Connection c,
      LockedRun run,
      Step step,
      JsonNode input,
      Map<String, StepRow> rows,
      Instant now,
      TaskSink sink)
      throws SQLException {
    if (WorkflowDefinition.CONDITION.equals(step.kind())) {
      return evaluate(c, run, step, input, rows, now, sink);
    }
    NewTask task;
    String waitingFor = null;
    if (WorkflowDefinition.WAIT.equals(step.kind())) {
      task = internalTask(run, "timeout", now.plus(step.waitFor().timeout()), now);
      waitingFor = step.waitFor().event();
    } else if (WorkflowDefinition.SLEEP.equals(step.kind())) {
      Instant at =
          step.sleep().until() != null ? step.sleep().until() : now.plus(step.sleep().duration());
      task = ownId(internalTask(run, "sleep", at.isBefore(now) ? now : at, now), rows, step);
    } else if (WorkflowDefinition.SUB.equals(step.kind())) {
      return startChild(c, run, step, context(run, input, rows), now, sink);
    } else if (WorkflowDefinition.APPROVAL.equals(step.kind())) {
      // Its task is its timeout (the first); an escalation timer may come with it.
      List<NewTask> tasks = ApprovalSteps.start(c, run, step, now);
      sink.insert(tasks);
      started(c, run, step, tasks.getFirst().id(), null, now);
      alerts.approvalWaiting(c, run, step, now);
      return true;
    } else {
      task = ownId(httpTask(run, step, input, rows, now), rows, step);
    }
    sink.insert(List.of(task));
    started(c, run, step, task.id(), waitingFor, now);
    return true;
  }

  /**
   * Starts a run of the step's workflow (its current version) as this run's child, in this
   * transaction; false when the step failed instead (no such workflow, archived, or the input does
   * not meet its schema) and that ended the run.
   */
  private boolean startChild(
      Connection c, LockedRun run, Step step, JsonNode ctx, Instant now, TaskSink sink)
      throws SQLException {
    var sub = step.sub();
    JsonNode input =
        sub.input() == null
            ? JsonNodeFactory.instance.objectNode()
            : Templates.render(sub.input(), ctx);
    record Target(UUID id, int version, Instant archivedAt) {}
    Optional<Target> w =
        ConnectionSql.on(c)
            .sql(WorkflowsQueries.WORKFLOW_GET)
            .param("organization_id", run.organizationId())
            .param("key", sub.workflow())
            .param("version", null)
            .query(Rows.of(Target.class))
            .optional();
    ObjectNode decision = JsonNodeFactory.instance.objectNode().put("workflow", sub.workflow());
    String problem = null;
    WorkflowDefinition d = null;
    if (w.isEmpty() || w.get().archivedAt() != null) {
      problem = w.isEmpty() ? "it does not exist" : "it is archived";
    } else if (!RunCommands.storable(input)) {
      problem = "its input holds a NUL character";
    } else {
      d = definitions.get(c, w.get().id(), w.get().version());
      var errors = RunCommands.inputErrors(schemas, d, input);
      if (!errors.isEmpty()) {
        problem =
            "its input does not meet its input_schema: "
                + errors.stream().map(e -> e.field() + " " + e.message()).toList();
      }
    }
    if (problem != null) {
      String error = "workflow '" + sub.workflow() + "' could not start: " + problem;
      return finishStep(c, run, step, false, null, decision, error, 0, null, now, sink);
    }
    UUID childId = Ids.v7(now);
    ConnectionSql.on(c)
        .sql(RunsQueries.RUN_INSERT_CHILD)
        .param("id", childId)
        .param("organization_id", run.organizationId())
        .param("workflow_id", w.get().id())
        .param("version", w.get().version())
        .param("input", input.toString())
        .param("now", SqlTime.ts(now))
        .param("parent_run_id", run.id())
        .update();
    ConnectionSql.on(c)
        .sql(RunsQueries.RUN_STEPS_INSERT)
        .param("run_id", childId)
        .param("names", d.steps().stream().map(Step::name).toArray(String[]::new))
        .param("task_ids", new SqlArrayValue("uuid", (Object[]) taskIds(d, now)))
        .update();
    boolean admitted = concurrency.admit(c, childId, w.get().id(), d, input);
    if (d.maxRunTime() != null && admitted) {
      NewTask t =
          internalTask(
              run.organizationId(), childId, run.tier(), "deadline", now.plus(d.maxRunTime()), now);
      sink.insert(List.of(t));
      ConnectionSql.on(c)
          .sql(RunsQueries.RUN_SET_DEADLINE)
          .param("id", childId)
          .param("task_id", t.id())
          .update();
    }
    started(c, run, step, null, null, now);
    ConnectionSql.on(c)
        .sql(RunsQueries.STEP_SET_CHILD)
        .param("run_id", run.id())
        .param("name", step.name())
        .param("child_run_id", childId)
        .update();
    decision.put("version", w.get().version()).put("run_id", childId.toString());
    ApprovalSteps.setDecision(c, run.id(), step.name(), decision);
    advance(c, lock(c, childId).orElseThrow(), now, sink);
    return true;
  }

  private boolean evaluate(
      Connection c,
      LockedRun run,
      Step step,
      JsonNode input,
      Map<String, StepRow> rows,
      Instant now,
      TaskSink sink)
      throws SQLException {
    var cond = step.condition();
    Map<String, Object> steps = celSteps(rows);
    ObjectNode decision =
        JsonNodeFactory.instance.objectNode().put("expression", cond.expression());
    try {
      boolean result = conditions.evaluate(cond.expression(), input, steps, now);
      decision.put("result", result);
      decision.set("chosen", strings(result ? cond.thenSteps() : cond.elseSteps()));
      decision.set("not_chosen", strings(result ? cond.elseSteps() : cond.thenSteps()));
      ObjectNode output = JsonNodeFactory.instance.objectNode().put("result", result);
      return finishStep(c, run, step, true, output, decision, null, 1, null, now, sink);
    } catch (dev.cel.runtime.CelEvaluationException | RuntimeException e) {
      String error = "the condition could not be evaluated: " + e.getMessage();
      decision.put("error", error);
      return finishStep(c, run, step, false, null, decision, error, 1, null, now, sink);
    }
  }

  /** What CEL sees as {@code steps}: each finished step's {@code {state, output}}. */
  Map<String, Object> celSteps(Map<String, StepRow> rows) {
    Map<String, Object> steps = new LinkedHashMap<>();
    for (StepRow r : rows.values()) {
      if (SUCCEEDED.equals(r.state()) || FAILED.equals(r.state())) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("state", r.state());
        s.put("output", Conditions.value(r.output() == null ? null : json.readTree(r.output())));
        steps.put(r.name(), s);
      }
    }
    return steps;
  }

  private static tools.jackson.databind.node.ArrayNode strings(List<String> names) {
    var a = JsonNodeFactory.instance.arrayNode();
    names.forEach(a::add);
    return a;
  }

  private static void started(
      Connection c, LockedRun run, Step step, UUID taskId, String waitingFor, Instant now) {
    ConnectionSql.on(c)
        .sql(STEP_START)
        .param("run_id", run.id())
        .param("name", step.name())
        .param("task_id", taskId)
        .param("waiting_for", waitingFor)
        .param("now", SqlTime.ts(now))
        .update();
  }

  /** What templates read: {@code {input, steps: {<name>: {state, output}}, run: {id}}}. */
  JsonNode context(LockedRun run, JsonNode input, Map<String, StepRow> rows) {
    return context(run, input, rows, null);
  }

  /** As {@link #context(LockedRun, JsonNode, Map)}, with only the steps named (null: all). */
  private JsonNode context(
      LockedRun run, JsonNode input, Map<String, StepRow> rows, java.util.Set<String> only) {
    ObjectNode ctx = JsonNodeFactory.instance.objectNode();
    ctx.set("input", input);
    ObjectNode steps = ctx.putObject("steps");
    for (StepRow r : rows.values()) {
      if (r.output() != null && (only == null || only.contains(r.name()))) {
        ObjectNode s = steps.putObject(r.name());
        s.put("state", r.state());
        s.set("output", json.readTree(r.output()));
      }
    }
    ctx.putObject("run").put("id", run.id().toString());
    return ctx;
  }

  /**
   * The step's task, its templates rendered over the run's input and the outputs of the steps they
   * read (only those are parsed: a step's output is stored as text).
   */
  NewTask httpTask(
      LockedRun run, Step step, JsonNode input, Map<String, StepRow> rows, Instant now) {
    var http = step.http();
    List<Header> headers = new ArrayList<>();
    boolean hasType = false;
    boolean hasKey = false;
    Map<String, String> given = new LinkedHashMap<>(http.headers());
    for (var sealed : http.sealedHeaders().entrySet()) {
      given.put(
          sealed.getKey(),
          new String(
              secrets.open(java.util.Base64.getDecoder().decode(sealed.getValue())),
              StandardCharsets.UTF_8));
    }
    List<String> texts = new ArrayList<>(given.values());
    texts.add(http.url());
    texts.addAll(Templates.strings(http.body()));
    JsonNode ctx = context(run, input, rows, Templates.stepsRead(texts));
    for (var h : given.entrySet()) {
      String value = Templates.render(h.getValue(), ctx).replace('\r', ' ').replace('\n', ' ');
      headers.add(new Header(h.getKey(), value));
      hasType |= h.getKey().equalsIgnoreCase("content-type");
      hasKey |= h.getKey().equalsIgnoreCase("idempotency-key");
    }
    byte[] body = null;
    if (http.body() != null) {
      JsonNode rendered = Templates.render(http.body(), ctx);
      boolean text = rendered.isString();
      body = (text ? rendered.asString() : rendered.toString()).getBytes(StandardCharsets.UTF_8);
      if (!hasType) {
        headers.add(
            new Header("Content-Type", text ? "text/plain; charset=utf-8" : "application/json"));
      }
    }
    // Secret headers travel sealed in the task, as a job's do, and show masked in its history.
    TaskRequest request =
        eu.runlater.engine.SealedRequests.seal(
            secrets,
            Templates.render(http.url(), ctx),
            http.method(),
            headers,
            http.secretHeaders(),
            body,
            false,
            http.timeoutMs());
    if (!hasKey) {
      // The same on every attempt of this step in this run, retries from failure included, so a
      // receiver can tell a repeat (Runlater-Run-Id comes with it: the task's source header). It
      // is the run's id and the step's name, both shown beside it: it travels in the clear, where
      // its name alone ("key") would have it sealed and opened again on every step.
      List<Header> plain = new ArrayList<>(request.headers());
      plain.add(new Header("Idempotency-Key", stepKey(run.id(), step.name())));
      request =
          new TaskRequest(
              request.url(),
              request.method(),
              plain,
              request.sealedHeaders(),
              request.body(),
              request.bodySealed(),
              request.timeoutMs(),
              request.sealedUrl());
    }
    return new NewTask(
        Ids.v7(now),
        run.organizationId(),
        SOURCE_KIND,
        run.id(),
        Priorities.of("pro".equals(run.tier()), Priorities.ONE_TIME),
        now,
        now,
        http.retries() + 1,
        http.backoff() == null ? defaultBackoff : http.backoff(),
        request);
  }

  /**
   * The id each step's task will have, given when the run's rows are inserted, for the kinds whose
   * start writes nothing else that an index holds (http, sleep): so that write, the step's first,
   * changes no indexed column and PostgreSQL makes it in place on the row's page (a HOT update,
   * V11), as it does the step's end. Other kinds: null (their start sets the task's id).
   */
  static UUID[] taskIds(WorkflowDefinition d, Instant now) {
    UUID[] ids = new UUID[d.steps().size()];
    for (int i = 0; i < ids.length; i++) {
      String kind = d.steps().get(i).kind();
      if (WorkflowDefinition.HTTP.equals(kind) || WorkflowDefinition.SLEEP.equals(kind)) {
        ids[i] = Ids.v7(now);
      }
    }
    return ids;
  }

  /**
   * The step's task with the id its pending row was given ({@link #taskIds}); a row without one (a
   * step reset by a retry from failure) keeps the task's own.
   */
  static NewTask ownId(NewTask t, Map<String, StepRow> rows, Step step) {
    StepRow row = rows.get(step.name());
    if (row == null || row.taskId() == null || !PENDING.equals(row.state())) {
      return t;
    }
    return new NewTask(
        row.taskId(),
        t.organizationId(),
        t.sourceKind(),
        t.sourceId(),
        t.priority(),
        t.runAt(),
        t.scheduledFor(),
        t.maxAttempts(),
        t.backoff(),
        t.request());
  }

  static String stepKey(UUID runId, String step) {
    return runId + "/" + step;
  }

  /** A timer: a task to {@code workflow:<what>} that the workflow transport answers at once. */
  static NewTask internalTask(LockedRun run, String what, Instant at, Instant now) {
    return internalTask(run.organizationId(), run.id(), run.tier(), what, at, now);
  }

  /** As {@link #internalTask(LockedRun, String, Instant, Instant)}, for the run {@code runId}. */
  static NewTask internalTask(
      UUID organizationId, UUID runId, String tier, String what, Instant at, Instant now) {
    return new NewTask(
        Ids.v7(now),
        organizationId,
        SOURCE_KIND,
        runId,
        Priorities.of("pro".equals(tier), Priorities.ONE_TIME),
        at,
        at,
        3,
        Backoff.DEFAULT,
        new TaskRequest(
            WorkflowTransport.SCHEME + ":" + what,
            "POST",
            List.of(),
            null,
            null,
            false,
            TaskRequest.MIN_TIMEOUT_MS));
  }
}
