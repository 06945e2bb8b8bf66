package eu.runlater.workflows;

import static eu.runlater.workflows.EventsQueries.EVENT_BY_EXTERNAL_ID;
import static eu.runlater.workflows.EventsQueries.EVENT_COUNTS;
import static eu.runlater.workflows.EventsQueries.EVENT_INSERT;
import static eu.runlater.workflows.EventsQueries.RUNS_BY_EVENT;
import static eu.runlater.workflows.EventsQueries.RUN_SET_EVENT;
import static eu.runlater.workflows.EventsQueries.WORKFLOWS_TRIGGERED;
import static eu.runlater.workflows.RunsQueries.STEPS_WAITING_FOR;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.executions.LiveFeed;
import eu.runlater.platform.database.Rows;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.RunAdvancer.StepRow;
import eu.runlater.workflows.WorkflowDefinition.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Receives events: in one transaction the event is recorded, and every step of the organization's
 * running runs that waits for its name and whose match holds for its payload is resumed — its
 * timeout task removed, its output the event, its run advanced. A step whose timeout is firing at
 * this moment (its task claimed) is left to the timeout. An event no step waits for is recorded and
 * changes nothing.
 *
 * <p>In the same transaction, every active workflow whose current version has a trigger for the
 * name whose match holds for the payload starts one run (its input the trigger's template over the
 * payload, checked against the input schema). An event with the sender's {@code id} is taken once:
 * the same id again is answered with what the first did, and changes nothing.
 */
@Component
class EventCommands {
  /** Steps one event may resume; more wait for a later event of the same name. */
  static final int MAX_RESUMED = 1_000;

  private final JdbcClient db;
  private final TransactionalConnection connection;
  private final EnqueuedTasks sink;
  private final RunAdvancer advancer;
  private final RunCommands runs;
  private final Definitions definitions;
  private final com.networknt.schema.SchemaRegistry schemas =
      com.networknt.schema.SchemaRegistry.withDefaultDialect(
          com.networknt.schema.SpecificationVersion.DRAFT_2020_12);
  private final Conditions conditions;
  private final JsonMapper json;
  private final InstantSource clock;
  private final LiveFeed live;

  EventCommands(
      JdbcClient db,
      TransactionalConnection connection,
      EnqueuedTasks sink,
      RunAdvancer advancer,
      RunCommands runs,
      Definitions definitions,
      Conditions conditions,
      JsonMapper json,
      InstantSource clock,
      LiveFeed live) {
    this.live = live;
    this.db = db;
    this.connection = connection;
    this.sink = sink;
    this.advancer = advancer;
    this.runs = runs;
    this.definitions = definitions;
    this.conditions = conditions;
    this.json = json;
    this.clock = clock;
  }

  /**
   * What an event did: its id, the steps it resumed, the runs it started and the triggered
   * workflows it could not start (why); {@code duplicate} when it repeats an event id already
   * received (then {@code started} lists what the first one started, {@code resumed} nothing).
   */
  record Received(
      UUID id,
      String name,
      boolean duplicate,
      List<Resumed> resumed,
      List<Started> started,
      List<NotStarted> notStarted) {
    record Resumed(UUID runId, String step) {}

    record Started(String workflow, UUID runId, String state) {}

    record NotStarted(String workflow, String reason) {}
  }

  @Transactional
  Received receive(UUID org, String externalId, String name, JsonNode payload) throws SQLException {
    if (name == null || !DefinitionParser.EVENT.matcher(name).matches()) {
      throw ApiProblem.invalid(
          "name", "is required: the event's name (letters, digits and . _ : / -, at most 100)");
    }
    JsonNode body = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
    if (body.toString().length() > eu.runlater.engine.TaskRequest.MAX_BODY_BYTES) {
      throw ApiProblem.invalid("payload", "must be at most 256 KB");
    }
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    boolean taken =
        !db.sql(EVENT_INSERT)
            .param("id", id)
            .param("organization_id", org)
            .param("name", name)
            .param("payload", body.toString())
            .param("now", SqlTime.ts(now))
            .param("external_id", externalId)
            .query(UUID.class)
            .list()
            .isEmpty();
    if (!taken) {
      return repeated(org, externalId);
    }
    record Waiting(UUID runId, String name) {}
    List<Waiting> waiting =
        db.sql(STEPS_WAITING_FOR)
            .param("organization_id", org)
            .param("name", name)
            .param("limit", MAX_RESUMED)
            .query(Rows.of(Waiting.class))
            .list();
    Connection c = connection.current();
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("id", id.toString()).put("name", name).set("payload", body);
    List<Received.Resumed> resumed = new ArrayList<>();
    for (Waiting w : waiting) {
      LockedRun run = advancer.lock(c, w.runId()).orElse(null);
      if (run == null || !RunAdvancer.RUNNING.equals(run.state())) {
        continue;
      }
      Map<String, StepRow> rows = advancer.steps(c, run.id());
      StepRow row = rows.get(w.name());
      Step step = advancer.definition(c, run).byName().get(w.name());
      if (!RunAdvancer.RUNNING.equals(row.state()) || step.waitFor() == null) {
        continue;
      }
      if (!matches(step, run, rows, body, now)) {
        continue;
      }
      if (!sink.deleteWaiting(run.organizationId(), row.taskId())) {
        continue; // its timeout is being delivered right now: the timeout decides
      }
      if (advancer.finishStep(
          c, run, step, true, event.deepCopy(), null, null, 0, null, now, sink)) {
        advancer.advance(c, advancer.lock(c, run.id()).orElseThrow(), now, sink);
      }
      resumed.add(new Received.Resumed(run.id(), step.name()));
    }
    List<Received.Started> started = new ArrayList<>();
    List<Received.NotStarted> notStarted = new ArrayList<>();
    start(c, org, id, name, body, now, started, notStarted);
    db.sql(EVENT_COUNTS)
        .param("id", id)
        .param("resumed", resumed.size())
        .param("started", started.size())
        .update();
    if (!resumed.isEmpty() || !started.isEmpty()) {
      live.changed(org); // a resumed step runs no execution: open pages hear of it here
    }
    return new Received(id, name, false, resumed, started, notStarted);
  }

  /** The answer to an event id received before: what the first one started. */
  private Received repeated(UUID org, String externalId) {
    record First(UUID id, String name) {}
    First first =
        db.sql(EVENT_BY_EXTERNAL_ID)
            .param("organization_id", org)
            .param("external_id", externalId)
            .query(Rows.of(First.class))
            .single();
    List<Received.Started> started =
        db.sql(RUNS_BY_EVENT)
            .param("event_id", first.id())
            .query(Rows.of(Received.Started.class))
            .list();
    return new Received(first.id(), first.name(), true, List.of(), started, List.of());
  }

  /** Starts a run of each active workflow whose current version has a trigger that matches. */
  private void start(
      Connection c,
      UUID org,
      UUID eventId,
      String name,
      JsonNode payload,
      Instant now,
      List<Received.Started> started,
      List<Received.NotStarted> notStarted)
      throws SQLException {
    record Triggered(UUID id, String key, int version) {}
    List<Triggered> triggered =
        db.sql(WORKFLOWS_TRIGGERED)
            .param("organization_id", org)
            .param("name", name)
            .query(Rows.of(Triggered.class))
            .list();
    ObjectNode ctx = JsonNodeFactory.instance.objectNode();
    ctx.set("event", payload);
    for (Triggered w : triggered) {
      WorkflowDefinition d = definitions.get(c, w.id(), w.version());
      var trigger =
          d.triggers().stream()
              .filter(t -> t.event().equals(name) && triggerMatches(t.match(), payload, now))
              .findFirst();
      if (trigger.isEmpty()) {
        continue;
      }
      JsonNode input =
          trigger.get().input() == null ? payload : Templates.render(trigger.get().input(), ctx);
      if (input == null || !input.isObject()) {
        notStarted.add(new Received.NotStarted(w.key(), "its input is not a JSON object"));
        continue;
      }
      if (!RunCommands.storable(input)) {
        notStarted.add(new Received.NotStarted(w.key(), "its input holds a NUL character"));
        continue;
      }
      var errors = RunCommands.inputErrors(schemas, d, input);
      if (!errors.isEmpty()) {
        notStarted.add(
            new Received.NotStarted(
                w.key(),
                "its input does not meet its input_schema: "
                    + errors.stream().map(e -> e.field() + " " + e.message()).toList()));
        continue;
      }
      UUID run = runs.insert(c, org, w.id(), w.version(), d, input, now, null, null);
      db.sql(RUN_SET_EVENT).param("id", run).param("event_id", eventId).update();
      String state = advancer.lock(c, run).orElseThrow().state();
      started.add(new Received.Started(w.key(), run, state));
    }
  }

  private boolean triggerMatches(String match, JsonNode payload, Instant now) {
    if (match == null) {
      return true;
    }
    try {
      return conditions.evaluateTrigger(match, payload, now);
    } catch (dev.cel.runtime.CelEvaluationException | RuntimeException e) {
      // A payload without the fields the match reads does not match.
      return false;
    }
  }

  private boolean matches(
      Step step, LockedRun run, Map<String, StepRow> rows, JsonNode payload, Instant now) {
    if (step.waitFor().match() == null) {
      return true;
    }
    try {
      return conditions.evaluate(
          step.waitFor().match(),
          json.readTree(run.input()),
          advancer.celSteps(rows),
          now,
          payload);
    } catch (dev.cel.runtime.CelEvaluationException | RuntimeException e) {
      // A payload without the fields the match reads does not match.
      return false;
    }
  }
}
