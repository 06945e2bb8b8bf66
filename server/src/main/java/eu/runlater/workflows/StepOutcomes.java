package eu.runlater.workflows;

import static eu.runlater.workflows.RunsQueries.STEP_BY_TASK;

import eu.runlater.engine.Completion;
import eu.runlater.engine.ExecutionRecord;
import eu.runlater.engine.Header;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.OutcomeHook;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.Rows;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.WorkflowDefinition.Step;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A step's task ended (its last attempt, or abandoned): in the engine's outcome transaction, the
 * step's result is recorded and its run advanced ({@link RunAdvancer}), so the next steps' tasks
 * commit with this one's result. The engine fences the outcome (a node that lost its lease cannot
 * complete), and the step is found by the task it waits for: an outcome of any other task — one
 * replaced by a retry from failure — matches no step and moves nothing.
 *
 * <p>Runs are locked in id order, so two nodes finishing steps of the same runs never deadlock.
 */
@Component
// Before RunConcurrency's hook, which starts the queued runs the ends recorded here let go.
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE - 1)
class StepOutcomes implements OutcomeHook {
  private final RunAdvancer advancer;
  private final JsonMapper json;
  private final StepBatch batch;
  private final Counter batched;
  private final Counter oneByOne;
  private final WorkflowAlerts alerts;

  StepOutcomes(RunAdvancer advancer, JsonMapper json, MeterRegistry meters, WorkflowAlerts alerts) {
    this.advancer = advancer;
    this.json = json;
    this.alerts = alerts;
    this.batch = new StepBatch(advancer, json);
    this.batched = outcomes(meters, "batch");
    this.oneByOne = outcomes(meters, "per_run");
  }

  /**
   * {@code runlater_workflow_step_outcomes_total{path}}: outcomes applied set-based ({@code batch})
   * or one run at a time ({@code per_run}).
   */
  private static Counter outcomes(MeterRegistry meters, String path) {
    return Counter.builder("runlater.workflow.step.outcomes")
        .description("Workflow task outcomes applied, by the path that applied them")
        .tag("path", path)
        .register(meters);
  }

  @Override
  public void onFinished(Finished finished) throws SQLException {
    Map<UUID, List<Completion>> byRun = new TreeMap<>();
    for (Completion c : finished.outcomes()) {
      if (RunAdvancer.SOURCE_KIND.equals(c.task().sourceKind()) && c.task().sourceId() != null) {
        byRun.computeIfAbsent(c.task().sourceId(), k -> new ArrayList<>()).add(c);
      }
    }
    if (byRun.isEmpty()) {
      return;
    }
    Connection connection = finished.connection();
    // The plain outcomes of the whole batch at once; what is left goes one run at a time.
    int all = count(byRun);
    byRun = batch.apply(connection, byRun, finished);
    int left = count(byRun);
    batched.increment(all - left);
    oneByOne.increment(left);
    RunAdvancer.TaskSink sink =
        new RunAdvancer.TaskSink() {
          @Override
          public void insert(List<NewTask> tasks) throws SQLException {
            finished.insertHandingOff(tasks);
          }

          @Override
          public boolean deleteWaiting(UUID organizationId, UUID taskId) throws SQLException {
            return finished.engine().deleteWaiting(connection, organizationId, taskId).isPresent();
          }
        };
    for (var e : byRun.entrySet()) {
      Optional<LockedRun> locked = advancer.lock(connection, e.getKey());
      if (locked.isEmpty()) {
        continue;
      }
      LockedRun run = locked.get();
      boolean advance = RunAdvancer.RUNNING.equals(run.state());
      for (Completion c : e.getValue()) {
        if (!outcome(connection, run, c, finished, sink)) {
          advance = false;
          run = advancer.lock(connection, run.id()).orElseThrow();
        }
      }
      if (advance) {
        // Re-read: a step's failure may have ended the run.
        Optional<LockedRun> now = advancer.lock(connection, run.id());
        if (now.isPresent()) {
          advancer.advance(connection, now.get(), finished.now(), sink);
        }
      }
    }
    alerts.flush(connection, finished.now());
  }

  private static int count(Map<UUID, List<Completion>> byRun) {
    int n = 0;
    for (List<Completion> l : byRun.values()) {
      n += l.size();
    }
    return n;
  }

  /** Records one outcome; false when it ended the run. */
  private boolean outcome(
      Connection connection,
      LockedRun run,
      Completion c,
      Finished finished,
      RunAdvancer.TaskSink sink)
      throws SQLException {
    UUID taskId = c.task().id();
    if (taskId.equals(run.deadlineTaskId())) {
      if (RunAdvancer.RUNNING.equals(run.state())) {
        WorkflowDefinition d = advancer.definition(connection, run);
        advancer.end(
            connection,
            run,
            RunAdvancer.FAILED,
            "the run passed its max run time (" + d.maxRunTime() + ")",
            finished.now(),
            sink);
        return false;
      }
      return true;
    }
    record Found(UUID runId, String name) {}
    Optional<Found> found =
        ConnectionSql.on(connection)
            .sql(STEP_BY_TASK)
            .param("task_id", taskId)
            .query(Rows.of(Found.class))
            .optional();
    if (found.isEmpty()) {
      String url = c.task().request().url();
      String child = WorkflowTransport.SCHEME + ":" + RunAdvancer.CHILD;
      if (url.startsWith(child)) {
        UUID childId = UUID.fromString(url.substring(child.length()));
        return childEnded(connection, run, childId, finished, sink);
      }
      escalation(connection, run, taskId, finished);
      return true;
    }
    Step step = advancer.definition(connection, run).byName().get(found.get().name());
    if (step.approval() != null) {
      return approvalTimedOut(connection, run, step, c, finished, sink);
    }
    ExecutionRecord e = c.execution();
    boolean ok = ExecutionRecord.SUCCESS.equals(e.status());
    JsonNode output = WorkflowDefinition.SLEEP.equals(step.kind()) ? null : output(json, e);
    String error = ok ? null : error(e);
    if (step.waitFor() != null) {
      // Its task is its timeout: no matching event came in time.
      ok = step.waitFor().continueOnTimeout();
      output = JsonNodeFactory.instance.objectNode().put("timed_out", true);
      error =
          ok
              ? null
              : "no event '"
                  + step.waitFor().event()
                  + "' matched within "
                  + step.waitFor().timeout();
    }
    return advancer.finishStep(
        connection,
        run,
        step,
        ok,
        output,
        null,
        error,
        WorkflowDefinition.HTTP.equals(step.kind()) ? c.task().attempt() : 0,
        e.id(),
        finished.now(),
        sink);
  }

  /**
   * A child run ended: the step waiting for it (if it still does: not for an older child replaced
   * by a retry) succeeds with its outputs or fails with its error.
   */
  private boolean childEnded(
      Connection connection,
      LockedRun run,
      UUID childId,
      Finished finished,
      RunAdvancer.TaskSink sink)
      throws SQLException {
    if (!RunAdvancer.RUNNING.equals(run.state())) {
      return true;
    }
    var row =
        advancer.steps(connection, run.id()).values().stream()
            .filter(r -> RunAdvancer.RUNNING.equals(r.state()) && childId.equals(r.childRunId()))
            .findFirst();
    record Child(String state, String error) {}
    Child child =
        ConnectionSql.on(connection)
            .sql(RunsQueries.RUN_STATE)
            .param("id", childId)
            .query(Rows.of(Child.class))
            .single();
    if (row.isEmpty() || RunAdvancer.RUNNING.equals(child.state())) {
      return true;
    }
    Step step = advancer.definition(connection, run).byName().get(row.get().name());
    boolean ok = RunAdvancer.SUCCEEDED.equals(child.state());
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.put("run_id", childId.toString()).put("state", child.state());
    ObjectNode steps = output.putObject("steps");
    for (var r : advancer.steps(connection, childId).values()) {
      if (r.output() != null) {
        steps.set(r.name(), json.readTree(r.output()));
      }
    }
    String error =
        ok
            ? null
            : "sub-workflow run "
                + childId
                + " "
                + child.state()
                + (child.error() == null ? "" : ": " + child.error());
    return advancer.finishStep(
        connection,
        run,
        step,
        ok,
        output,
        ApprovalSteps.decision(json, row.get().decision()),
        error,
        0,
        null,
        finished.now(),
        sink);
  }

  /** An escalation timer fired: if its approval still waits, the escalation's assignees join. */
  private void escalation(Connection connection, LockedRun run, UUID taskId, Finished finished) {
    record Found(UUID runId, String name) {}
    Optional<Found> found =
        ConnectionSql.on(connection)
            .sql(ApprovalsQueries.APPROVAL_BY_ESCALATION)
            .param("task_id", taskId)
            .query(Rows.of(Found.class))
            .optional();
    if (found.isEmpty() || !RunAdvancer.RUNNING.equals(run.state())) {
      return;
    }
    var row = advancer.steps(connection, run.id()).get(found.get().name());
    if (!RunAdvancer.RUNNING.equals(row.state())) {
      return;
    }
    Step step = advancer.definition(connection, run).byName().get(row.name());
    ApprovalSteps.escalate(connection, json, run.id(), step, row.decision(), finished.now());
    alerts.approvalEscalated(connection, run, step, finished.now());
  }

  /** No one decided in time: the step takes its declared {@code on_timeout}. */
  private boolean approvalTimedOut(
      Connection connection,
      LockedRun run,
      Step step,
      Completion c,
      Finished finished,
      RunAdvancer.TaskSink sink)
      throws SQLException {
    var a = step.approval();
    var row = advancer.steps(connection, run.id()).get(step.name());
    var pending = ApprovalSteps.pending(connection, run.id(), step.name());
    if (pending.isPresent() && pending.get().escalate() != null) {
      sink.deleteWaiting(run.organizationId(), pending.get().escalate());
    }
    ObjectNode decision = ApprovalSteps.decision(json, row.decision());
    ApprovalSteps.history(decision, finished.now(), "timed_out").put("outcome", a.onTimeout());
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    if (!"fail".equals(a.onTimeout())) {
      output.put("approved", "approve".equals(a.onTimeout()));
    }
    output.put("timed_out", true);
    boolean ok = "approve".equals(a.onTimeout());
    String error =
        ok
            ? null
            : "no decision within "
                + a.timeout()
                + ("reject".equals(a.onTimeout()) ? ": rejected as on_timeout says" : "");
    return advancer.finishStep(
        connection,
        run,
        step,
        ok,
        output,
        decision,
        error,
        0,
        c.execution().id(),
        finished.now(),
        sink);
  }

  private static String error(ExecutionRecord e) {
    if (e.error() != null && !e.error().isBlank()) {
      return e.error();
    }
    return e.statusCode() == null ? e.status() : "HTTP " + e.statusCode();
  }

  /**
   * Whether the text may be JSON: what it starts with (after blanks) may start a JSON value. A body
   * that cannot (plain text, HTML) is kept as text without a parse that fails, whose exception is
   * most of the cost of reading such an output.
   */
  static boolean mayBeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
        continue;
      }
      return ch == '{'
          || ch == '['
          || ch == '"'
          || ch == '-'
          || ch >= '0' && ch <= '9'
          || ch == 't'
          || ch == 'f'
          || ch == 'n'
          || ch == '\uFEFF';
    }
    return true; // blank: as the parser has always read it
  }

  /** {@code {status, headers, body}}: the body as JSON when it parses, as text otherwise. */
  static JsonNode output(JsonMapper json, ExecutionRecord e) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (e.statusCode() == null) {
      out.putNull("status");
    } else {
      out.put("status", e.statusCode());
    }
    ObjectNode headers = out.putObject("headers");
    if (e.response() != null) {
      for (Header h : e.response().headers()) {
        headers.put(h.name().toLowerCase(java.util.Locale.ROOT), h.value());
      }
      byte[] body = e.response().body();
      if (body == null || body.length == 0) {
        out.putNull("body");
      } else {
        String text = new String(body, StandardCharsets.UTF_8).replace("\u0000", "");
        // PostgreSQL's jsonb holds no NUL character: such a body stays text.
        if (e.response().truncated() || text.contains("\\u0000") || !mayBeJson(text)) {
          out.put("body", text);
          if (e.response().truncated()) {
            out.put("body_truncated", true);
          }
        } else {
          try {
            out.set("body", json.readTree(text));
          } catch (JacksonException notJson) {
            out.put("body", text);
          }
        }
      }
    } else {
      out.putNull("body");
    }
    return out;
  }
}
