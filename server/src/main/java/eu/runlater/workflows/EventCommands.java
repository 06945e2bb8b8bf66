package eu.runlater.workflows;

import static eu.runlater.workflows.RunsQueries.EVENT_INSERT;
import static eu.runlater.workflows.RunsQueries.STEPS_WAITING_FOR;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.executions.LiveFeed;
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
 */
@Component
class EventCommands {
  /** Steps one event may resume; more wait for a later event of the same name. */
  static final int MAX_RESUMED = 1_000;

  private final JdbcClient db;
  private final TransactionalConnection connection;
  private final EnqueuedTasks sink;
  private final RunAdvancer advancer;
  private final Conditions conditions;
  private final JsonMapper json;
  private final InstantSource clock;
  private final LiveFeed live;

  EventCommands(
      JdbcClient db,
      TransactionalConnection connection,
      EnqueuedTasks sink,
      RunAdvancer advancer,
      Conditions conditions,
      JsonMapper json,
      InstantSource clock,
      LiveFeed live) {
    this.live = live;
    this.db = db;
    this.connection = connection;
    this.sink = sink;
    this.advancer = advancer;
    this.conditions = conditions;
    this.json = json;
    this.clock = clock;
  }

  /** What an event did: its id and the steps it resumed. */
  record Received(UUID id, String name, List<Resumed> resumed) {
    record Resumed(UUID runId, String step) {}
  }

  @Transactional
  Received receive(UUID org, String name, JsonNode payload) throws SQLException {
    if (name == null || !DefinitionParser.EVENT.matcher(name).matches()) {
      throw ApiProblem.invalid(
          "name", "is required: the event's name (letters, digits and . _ : / -, at most 100)");
    }
    JsonNode body = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
    if (body.toString().length() > eu.runlater.engine.TaskRequest.MAX_BODY_BYTES) {
      throw ApiProblem.invalid("payload", "must be at most 256 KB");
    }
    RunCommands.storable(body, "payload");
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    record Waiting(UUID runId, String name) {}
    List<Waiting> waiting =
        db.sql(STEPS_WAITING_FOR)
            .param("organization_id", org)
            .param("name", name)
            .param("limit", MAX_RESUMED)
            .query(Waiting.class)
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
    db.sql(EVENT_INSERT)
        .param("id", id)
        .param("organization_id", org)
        .param("name", name)
        .param("payload", body.toString())
        .param("now", SqlTime.ts(now))
        .param("resumed", resumed.size())
        .update();
    if (!resumed.isEmpty()) {
      live.changed(org); // a resumed step runs no execution: open pages hear of it here
    }
    return new Received(id, name, resumed);
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
