package eu.runlater.workflows;

import static eu.runlater.workflows.ApprovalsQueries.APPROVAL_GET;
import static eu.runlater.workflows.ApprovalsQueries.APPROVAL_INSERT;
import static eu.runlater.workflows.ApprovalsQueries.APPROVAL_SET_ASSIGNEES;
import static eu.runlater.workflows.ApprovalsQueries.STEP_SET_DECISION;

import eu.runlater.engine.NewTask;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.WorkflowDefinition.Approval;
import eu.runlater.workflows.WorkflowDefinition.Assignees;
import eu.runlater.workflows.WorkflowDefinition.Step;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The timers and the record of an approval step. Starting one makes its timeout task (the step's
 * task, as a wait's) and, with {@code escalate}, an escalation task: both durable engine tasks like
 * a sleep. Who may decide lives in {@code workflow_approvals}; what happened (assignees,
 * escalation, delegations, the decision) in the step's decision, shown in the run view.
 */
final class ApprovalSteps {
  private ApprovalSteps() {}

  /** Who may decide an approval now. */
  record Pending(UUID runId, String name, List<String> users, List<String> roles, UUID escalate) {
    static Pending of(ResultSet rs, int n) throws SQLException {
      return new Pending(
          rs.getObject("run_id", UUID.class),
          rs.getString("name"),
          list(rs.getArray("users")),
          list(rs.getArray("roles")),
          rs.getObject("escalate_task_id", UUID.class));
    }
  }

  static List<String> list(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
  }

  /** The tasks that start an approval step: its timeout first, then its escalation if any. */
  static List<NewTask> start(Connection c, LockedRun run, Step step, Instant now) {
    Approval a = step.approval();
    NewTask timeout = RunAdvancer.internalTask(run, "timeout", now.plus(a.timeout()), now);
    NewTask escalate =
        a.escalateAfter() == null
            ? null
            : RunAdvancer.internalTask(run, "escalate", now.plus(a.escalateAfter()), now);
    ConnectionSql.on(c)
        .sql(APPROVAL_INSERT)
        .param("run_id", run.id())
        .param("name", step.name())
        .param("organization_id", run.organizationId())
        .param("users", a.assignees().users().toArray(String[]::new))
        .param("roles", a.assignees().roles().toArray(String[]::new))
        .param("escalate_task_id", escalate == null ? null : escalate.id())
        .param("now", SqlTime.ts(now))
        .update();
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.set("assignees", assignees(a.assignees()));
    d.put("timeout_at", now.plus(a.timeout()).toString()).put("on_timeout", a.onTimeout());
    if (escalate != null) {
      d.put("escalate_at", now.plus(a.escalateAfter()).toString());
      d.set("escalate_to", assignees(a.escalateTo()));
    }
    d.putArray("history");
    setDecision(c, run.id(), step.name(), d);
    return escalate == null ? List.of(timeout) : List.of(timeout, escalate);
  }

  static Optional<Pending> pending(Connection c, UUID runId, String name) {
    return ConnectionSql.on(c)
        .sql(APPROVAL_GET)
        .param("run_id", runId)
        .param("name", name)
        .query(Pending::of)
        .optional();
  }

  /** Replaces who may decide (an escalation or a delegation); {@code escalate} the timer left. */
  static void assign(
      Connection c,
      UUID runId,
      String name,
      List<String> users,
      List<String> roles,
      UUID escalate) {
    ConnectionSql.on(c)
        .sql(APPROVAL_SET_ASSIGNEES)
        .param("run_id", runId)
        .param("name", name)
        .param("users", users.toArray(String[]::new))
        .param("roles", roles.toArray(String[]::new))
        .param("escalate_task_id", escalate)
        .update();
  }

  /** The escalation timer fired: the escalation's assignees may decide too. */
  static void escalate(
      Connection c, JsonMapper json, UUID runId, Step step, String decision, Instant now) {
    Pending p = pending(c, runId, step.name()).orElseThrow();
    Assignees to = step.approval().escalateTo();
    List<String> users = union(p.users(), to.users());
    List<String> roles = union(p.roles(), to.roles());
    assign(c, runId, step.name(), users, roles, null);
    ObjectNode d = decision(json, decision);
    d.set("assignees", assignees(new Assignees(users, roles)));
    history(d, now, "escalated").set("to", assignees(to));
    setDecision(c, runId, step.name(), d);
  }

  static List<String> union(List<String> a, List<String> b) {
    LinkedHashSet<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return new ArrayList<>(all);
  }

  static ObjectNode decision(JsonMapper json, String stored) {
    JsonNode d = stored == null ? null : json.readTree(stored);
    return d instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
  }

  /** Appends {at, what} to the decision's history and returns the entry to fill in. */
  static ObjectNode history(ObjectNode decision, Instant now, String what) {
    JsonNode h = decision.get("history");
    ArrayNode list = h instanceof ArrayNode a ? a : decision.putArray("history");
    return list.addObject().put("at", now.toString()).put("what", what);
  }

  static void setDecision(Connection c, UUID runId, String name, JsonNode decision) {
    ConnectionSql.on(c)
        .sql(STEP_SET_DECISION)
        .param("run_id", runId)
        .param("name", name)
        .param("decision", decision.toString())
        .update();
  }

  static ObjectNode assignees(Assignees a) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode users = o.putArray("users");
    a.users().forEach(users::add);
    ArrayNode roles = o.putArray("roles");
    a.roles().forEach(roles::add);
    return o;
  }
}
