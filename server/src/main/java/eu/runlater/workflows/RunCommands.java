package eu.runlater.workflows;

import static eu.runlater.workflows.RunsQueries.RUN_GET;
import static eu.runlater.workflows.RunsQueries.RUN_INSERT;
import static eu.runlater.workflows.RunsQueries.RUN_LIST;
import static eu.runlater.workflows.RunsQueries.RUN_RESUME;
import static eu.runlater.workflows.RunsQueries.RUN_SET_DEADLINE;
import static eu.runlater.workflows.RunsQueries.RUN_START_EXECUTION;
import static eu.runlater.workflows.RunsQueries.RUN_STEPS_INSERT;
import static eu.runlater.workflows.RunsQueries.STEPS_RESET_FOR_RETRY;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.executions.LiveFeed;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.errors.NulCharacters;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.RunAdvancer.StepRow;
import eu.runlater.workflows.WorkflowDefinition.Step;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Starts, cancels and retries runs, each in one transaction with the tasks it makes (through {@link
 * EnqueuedTasks}, so the tasks commit with the run or not at all); reads runs back.
 */
@Component
class RunCommands {
  private final JdbcClient db;
  private final TransactionalConnection connection;
  private final EnqueuedTasks sink;
  private final RunAdvancer advancer;
  private final RunConcurrency concurrency;
  private final WorkflowCommands workflows;
  private final Definitions definitions;
  private final JsonMapper json;
  private final InstantSource clock;
  private final SchemaRegistry schemas =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  // Tells open pages of changes no execution shows (a cancel; a retry whose first step waits).
  private final LiveFeed live;

  RunCommands(
      JdbcClient db,
      TransactionalConnection connection,
      EnqueuedTasks sink,
      RunAdvancer advancer,
      RunConcurrency concurrency,
      WorkflowCommands workflows,
      Definitions definitions,
      JsonMapper json,
      InstantSource clock,
      LiveFeed live) {
    this.live = live;
    this.db = db;
    this.connection = connection;
    this.sink = sink;
    this.advancer = advancer;
    this.concurrency = concurrency;
    this.workflows = workflows;
    this.definitions = definitions;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Starts a run of the workflow's current version for a delivered task (its origin is recorded in
   * {@code workflow_starts}); 422 when the input fails its schema.
   */
  @Transactional
  RunView start(UUID org, String key, JsonNode input) throws SQLException {
    return start(org, key, input, null, null);
  }

  /**
   * Starts a run of the workflow's current version by hand, recording who started it: the API key
   * (by API) or the user (on the dashboard); 422 when the input fails its schema.
   */
  @Transactional
  RunView start(UUID org, String key, JsonNode input, UUID byKey, UUID byUser) throws SQLException {
    WorkflowCommands.Startable w = workflows.startable(org, key);
    if (w.archivedAt() != null) {
      throw ApiProblem.conflict(
          "workflow-archived",
          "Workflow '" + key + "' is archived; save it again (PUT) to run it.");
    }
    JsonNode given =
        input == null || input.isNull() ? JsonNodeFactory.instance.objectNode() : input;
    storable(given, "input");
    Connection c = connection.current();
    WorkflowDefinition d = definitions.get(c, w.id(), w.version());
    List<FieldError> errors = inputErrors(schemas, d, given);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    UUID id = insert(c, org, w.id(), w.version(), d, given, clock.instant(), byKey, byUser);
    return get(org, id);
  }

  /**
   * Inserts a run of the workflow's version {@code version} (its input checked by the caller) and
   * its steps, admits it under the concurrency limit (or queues it) and starts its first steps, all
   * in the caller's transaction; its id. {@code byKey} or {@code byUser}: the API key or user that
   * started it by hand (both null for any other start).
   */
  UUID insert(
      Connection c,
      UUID org,
      UUID workflowId,
      int version,
      WorkflowDefinition d,
      JsonNode input,
      Instant now,
      UUID byKey,
      UUID byUser)
      throws SQLException {
    UUID id = Ids.v7(now);
    db.sql(RUN_INSERT)
        .param("id", id)
        .param("organization_id", org)
        .param("workflow_id", workflowId)
        .param("version", version)
        .param("input", input.toString())
        .param("now", SqlTime.ts(now))
        .param("started_by_key", byKey)
        .param("started_by_user", byUser)
        .update();
    UUID[] taskIds = RunAdvancer.taskIds(d, now);
    db.sql(RUN_STEPS_INSERT)
        .param("run_id", id)
        .param("names", d.steps().stream().map(Step::name).toArray(String[]::new))
        .param("task_ids", new SqlArrayValue("uuid", (Object[]) taskIds))
        .update();
    if (concurrency.admit(c, id, workflowId, d, input)) {
      LockedRun run = advancer.lock(c, id).orElseThrow();
      run = deadline(c, run, d.maxRunTime(), now);
      advancer.advance(c, run, now, sink, taskIds);
    }
    return id;
  }

  /** Where {@code input} fails the definition's input schema (none: empty), as input/<path>. */
  static List<FieldError> inputErrors(
      SchemaRegistry schemas, WorkflowDefinition d, JsonNode input) {
    List<FieldError> errors = new ArrayList<>();
    if (d.inputSchema() != null) {
      Schema schema = schemas.getSchema(d.inputSchema());
      for (var e : schema.validate(input)) {
        String at = e.getInstanceLocation().toString().replace("$", "");
        errors.add(new FieldError("input" + at, e.getMessage()));
      }
    }
    return errors;
  }

  /**
   * 422 for JSON that PostgreSQL's jsonb cannot hold: a NUL character in a string or a name, which
   * would otherwise fail the insert. A JSON request body never holds one (the API refuses it as it
   * reads it); input from the dashboard's forms and from queue messages may.
   */
  static void storable(JsonNode value, String field) {
    if (!storable(value)) {
      throw ApiProblem.invalid(field, NulCharacters.MESSAGE);
    }
  }

  static boolean storable(JsonNode n) {
    return NulCharacters.find(n) == null;
  }

  private LockedRun deadline(Connection c, LockedRun run, Duration maxRunTime, Instant now) {
    if (maxRunTime == null) {
      return run;
    }
    NewTask t = RunAdvancer.internalTask(run, "deadline", now.plus(maxRunTime), now);
    sink.insert(List.of(t));
    db.sql(RUN_SET_DEADLINE).param("id", run.id()).param("task_id", t.id()).update();
    return advancer.lock(c, run.id()).orElseThrow();
  }

  /**
   * Cancels a running or queued run: pending steps never start, waiting ones stop. A step in flight
   * either keeps the run {@code cancelling} until it ends (on_cancel: finish, the default) or is
   * {@code abandoned} (on_cancel: abandon) and the run is cancelled at once. Cancelling a
   * cancelling run abandons what it waits for.
   */
  @Transactional
  RunView cancel(UUID org, UUID id) throws SQLException {
    Connection c = connection.current();
    LockedRun run = locked(c, org, id);
    if (!List.of(RunAdvancer.RUNNING, RunConcurrency.QUEUED, RunAdvancer.CANCELLING)
        .contains(run.state())) {
      throw ApiProblem.conflict(
          "run-not-running",
          "Run " + id + " is " + run.state() + "; only a running or queued run cancels.");
    }
    live.changed(org);
    Instant now = clock.instant();
    String why = "cancelled by request";
    if (RunAdvancer.CANCELLING.equals(run.state())) {
      // A second cancel stops waiting: what is still in flight is abandoned.
      db.sql(RunsQueries.STEPS_ABANDON).param("run_id", id).param("now", SqlTime.ts(now)).update();
      why = run.error();
    }
    if (RunAdvancer.RUNNING.equals(run.state())) {
      // Nothing pending starts and what waits stops; a step in flight (its task claimed) stays
      // running: with on_cancel finish the run waits for it, with abandon it is let go.
      db.sql(RunsQueries.RUN_CANCELLING).param("id", id).param("error", why).update();
      db.sql(RunsQueries.STEPS_CANCEL_PENDING)
          .param("run_id", id)
          .param("now", SqlTime.ts(now))
          .update();
      advancer.stopRunning(c, run, now, sink);
      if (WorkflowDefinition.ABANDON.equals(advancer.definition(c, run).onCancel())) {
        db.sql(RunsQueries.STEPS_ABANDON)
            .param("run_id", id)
            .param("now", SqlTime.ts(now))
            .update();
      }
      run = advancer.lock(c, id).orElseThrow();
      if (advancer.steps(c, id).values().stream()
          .anyMatch(r -> RunAdvancer.RUNNING.equals(r.state()))) {
        return get(org, id);
      }
    }
    advancer.end(c, run, RunAdvancer.CANCELLED, why, now, sink);
    return get(org, id);
  }

  /**
   * Runs a failed or cancelled run again from where it stopped: succeeded steps keep their outputs;
   * failed and cancelled ones go back to pending; the max run time starts again.
   */
  @Transactional
  RunView retry(UUID org, UUID id) throws SQLException {
    Connection c = connection.current();
    LockedRun run = locked(c, org, id);
    if (!RunAdvancer.FAILED.equals(run.state()) && !RunAdvancer.CANCELLED.equals(run.state())) {
      throw ApiProblem.conflict(
          "run-not-ended",
          "Run " + id + " is " + run.state() + "; only a failed or cancelled run is retried.");
    }
    WorkflowDefinition d = advancer.definition(c, run);
    String[] kept =
        d.steps().stream().filter(Step::continueOnFailure).map(Step::name).toArray(String[]::new);
    db.sql(STEPS_RESET_FOR_RETRY).param("run_id", id).param("kept", kept).update();
    db.sql(RUN_RESUME).param("id", id).update();
    Instant now = clock.instant();
    if (concurrency.admit(c, id, run.workflowId(), d, json.readTree(run.input()))) {
      run = deadline(c, advancer.lock(c, id).orElseThrow(), d.maxRunTime(), now);
      advancer.advance(c, run, now, sink);
    }
    live.changed(org);
    return get(org, id);
  }

  private LockedRun locked(Connection c, UUID org, UUID id) {
    return advancer
        .lock(c, id)
        .filter(r -> r.organizationId().equals(org))
        .orElseThrow(() -> ApiProblem.notFound("workflow run", id));
  }

  record RunRow(
      UUID id,
      String key,
      int version,
      String state,
      String input,
      String error,
      Instant createdAt,
      Instant finishedAt,
      UUID workflowId) {
    static RunRow of(ResultSet rs, int n) throws SQLException {
      return new RunRow(
          rs.getObject("id", UUID.class),
          rs.getString("key"),
          rs.getInt("version"),
          rs.getString("state"),
          rs.getString("input"),
          rs.getString("error"),
          SqlTime.instant(rs, "created_at"),
          SqlTime.instant(rs, "finished_at"),
          rs.getObject("workflow_id", UUID.class));
    }
  }

  @Transactional(readOnly = true)
  RunView get(UUID org, UUID id) {
    var got =
        db.sql(RUN_GET)
            .param("organization_id", org)
            .param("id", id)
            .query((rs, n) -> Map.entry(RunRow.of(rs, n), Optional.ofNullable(RunOrigins.of(rs))))
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("workflow run", id));
    RunRow r = got.getKey();
    Connection c = connection.current();
    WorkflowDefinition d = definitions.get(c, r.workflowId(), r.version());
    Map<String, StepRow> rows = advancer.steps(c, id);
    List<RunView.StepView> steps = new ArrayList<>();
    for (Step s : d.steps()) {
      StepRow row = rows.get(s.name());
      steps.add(
          new RunView.StepView(
              s.name(),
              s.kind(),
              s.dependsOn(),
              row.state(),
              row.startedAt(),
              row.finishedAt(),
              millis(row.startedAt(), row.finishedAt()),
              row.attempts(),
              row.output() == null ? null : json.readTree(row.output()),
              row.decision() == null ? null : json.readTree(row.decision()),
              row.error(),
              row.executionId()));
    }
    RunView.StartedBy startedBy =
        got.getValue().map(o -> o.withLastAttempt(this::lastAttempt)).orElse(null);
    return view(r, startedBy, steps);
  }

  private UUID lastAttempt(UUID task) {
    return db.sql(RUN_START_EXECUTION)
        .param("task_id", task)
        .query(UUID.class)
        .optional()
        .orElse(null);
  }

  List<RunRow> list(UUID org, String key, String state, UUID cursor, int limit) {
    workflows.row(org, key, null);
    return db.sql(RUN_LIST)
        .param("organization_id", org)
        .param("key", key)
        .param("state", state)
        .param("cursor", cursor)
        .param("limit", limit)
        .query(RunRow::of)
        .list();
  }

  /** A run as a list shows it: without its steps or what started it. */
  RunView view(RunRow r) {
    return view(r, null, null);
  }

  RunView view(RunRow r, RunView.StartedBy startedBy, List<RunView.StepView> steps) {
    return new RunView(
        r.id(),
        r.key(),
        r.version(),
        r.state(),
        json.readTree(r.input()),
        r.error(),
        r.createdAt(),
        r.finishedAt(),
        millis(r.createdAt(), r.finishedAt()),
        startedBy,
        steps);
  }

  private static Long millis(Instant from, Instant to) {
    return from == null || to == null ? null : Duration.between(from, to).toMillis();
  }
}
