package eu.runlater.workflows;

import static eu.runlater.workflows.ApprovalsQueries.APPROVALS_WAITING;

import eu.runlater.accounts.User;
import eu.runlater.accounts.Users;
import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Members;
import eu.runlater.organizations.Membership;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.workflows.ApprovalSteps.Pending;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.RunAdvancer.StepRow;
import eu.runlater.workflows.WorkflowDefinition.Step;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * People's decisions on approval steps, each in one transaction under the run's lock: approve or
 * reject (the step ends, its timeout and escalation timers removed, the run advanced), delegate
 * (the delegate may decide instead), and the inbox of what waits for someone. Anything refused — a
 * step already decided or timed out (409), a person not among its assignees (403) — is refused
 * before anything changes. Each change tells open pages ({@link LiveFeed#changed}): a decision runs
 * no execution of its own.
 */
@Component
class ApprovalCommands {
  static final int MAX_COMMENT = 2_000;
  static final int INBOX_LIMIT = 200;

  private final JdbcClient db;
  private final TransactionalConnection connection;
  private final EnqueuedTasks sink;
  private final RunAdvancer advancer;
  private final RunCommands runs;
  private final Users users;
  private final Members members;
  private final JsonMapper json;
  private final InstantSource clock;
  private final WorkflowAlerts alerts;
  private final LiveFeed live;

  ApprovalCommands(
      JdbcClient db,
      TransactionalConnection connection,
      EnqueuedTasks sink,
      RunAdvancer advancer,
      RunCommands runs,
      Users users,
      Members members,
      JsonMapper json,
      InstantSource clock,
      WorkflowAlerts alerts,
      LiveFeed live) {
    this.alerts = alerts;
    this.live = live;
    this.db = db;
    this.connection = connection;
    this.sink = sink;
    this.advancer = advancer;
    this.runs = runs;
    this.users = users;
    this.members = members;
    this.json = json;
    this.clock = clock;
  }

  /**
   * A waiting approval as the inbox lists it.
   *
   * @param timeoutAt when it takes its on_timeout outcome
   */
  record Waiting(
      UUID runId,
      String step,
      String workflow,
      List<String> users,
      List<String> roles,
      Instant since,
      Instant timeoutAt,
      JsonNode input,
      JsonNode decision) {}

  /**
   * What waits for {@code email} (by their email or their role in the organization); null: every
   * waiting approval of the organization.
   */
  @Transactional(readOnly = true)
  List<Waiting> inbox(UUID org, String email) {
    String who = null;
    String role = null;
    if (email != null) {
      Membership m = member(org, email, "for").orElse(null);
      if (m == null) {
        return List.of();
      }
      who = normalize(email);
      role = m.role().code();
    }
    return db.sql(APPROVALS_WAITING)
        .param("organization_id", org)
        .param("email", who)
        .param("role", role)
        .param("limit", INBOX_LIMIT)
        .query(this::waiting)
        .list();
  }

  private Waiting waiting(ResultSet rs, int n) throws SQLException {
    JsonNode decision = json.readTree(rs.getString("decision"));
    JsonNode timeoutAt = decision.get("timeout_at");
    return new Waiting(
        rs.getObject("run_id", UUID.class),
        rs.getString("name"),
        rs.getString("workflow"),
        ApprovalSteps.list(rs.getArray("users")),
        ApprovalSteps.list(rs.getArray("roles")),
        eu.runlater.engine.SqlTime.instant(rs, "started_at"),
        timeoutAt == null ? null : Instant.parse(timeoutAt.asString()),
        json.readTree(rs.getString("input")),
        decision);
  }

  /**
   * The API key a decision came through, recorded beside {@code by} (the member it names).
   *
   * @param id the key's id
   * @param name its name when it was used
   */
  record Via(UUID id, String name) {
    ObjectNode json() {
      return JsonNodeFactory.instance
          .objectNode()
          .put("api_key_id", id.toString())
          .put("api_key_name", name);
    }
  }

  /** Approves ({@code approve}) or rejects the step as {@code by}, with an optional comment. */
  @Transactional
  RunView decide(UUID org, UUID runId, String stepName, String by, boolean approve, String comment)
      throws SQLException {
    return decide(org, runId, stepName, by, null, approve, comment);
  }

  /** As {@link #decide}, through an API key ({@code via}; null: signed in). */
  @Transactional
  RunView decide(
      UUID org, UUID runId, String stepName, String by, Via via, boolean approve, String comment)
      throws SQLException {
    comment = comment(comment);
    Connection c = connection.current();
    Target t = target(c, org, runId, stepName);
    String who = assignee(org, t.pending(), by);
    Instant now = clock.instant();
    if (!sink.deleteWaiting(org, t.row().taskId())) {
      throw ApiProblem.conflict(
          "approval-decided",
          "Step " + stepName + " timed out just now; its timeout decided (see the run).");
    }
    if (t.pending().escalate() != null) {
      sink.deleteWaiting(org, t.pending().escalate());
    }
    String what = approve ? "approved" : "rejected";
    ObjectNode decision = ApprovalSteps.decision(json, t.row().decision());
    ObjectNode entry = ApprovalSteps.history(decision, now, what).put("by", who);
    if (via != null) {
      entry.set("via", via.json());
    }
    entry.put("comment", comment);
    decision.put("decided_by", who);
    if (via != null) {
      decision.set("decided_via", via.json());
    }
    decision.put("comment", comment).put("outcome", what);
    ObjectNode output =
        JsonNodeFactory.instance
            .objectNode()
            .put("approved", approve)
            .put("by", who)
            .put("comment", comment)
            .put("at", now.toString());
    String error = approve ? null : "rejected by " + who + (comment == null ? "" : ": " + comment);
    if (advancer.finishStep(
        c, t.run(), t.step(), approve, output, decision, error, 0, null, now, sink)) {
      advancer.advance(c, advancer.lock(c, runId).orElseThrow(), now, sink);
    }
    live.changed(org);
    return runs.get(org, runId);
  }

  /**
   * {@code by} hands the decision to {@code to}, a member: the delegate may decide, not {@code by}
   * (unless by a role).
   */
  @Transactional
  RunView delegate(UUID org, UUID runId, String stepName, String by, String to, String comment) {
    return delegate(org, runId, stepName, by, null, to, comment);
  }

  /** As {@link #delegate}, through an API key ({@code via}; null: signed in). */
  @Transactional
  RunView delegate(
      UUID org, UUID runId, String stepName, String by, Via via, String to, String comment) {
    comment = comment(comment);
    if (to == null || to.isBlank()) {
      throw ApiProblem.invalid("to", "is required: the email of the member to delegate to");
    }
    String delegate = normalize(to);
    if (member(org, delegate, "to").isEmpty()) {
      throw ApiProblem.invalid("to", "'" + to + "' is not a member of this organization");
    }
    Connection c = connection.current();
    Target t = target(c, org, runId, stepName);
    String who = assignee(org, t.pending(), by);
    if (who.equals(delegate)) {
      throw ApiProblem.invalid("to", "names the delegating member; name someone else");
    }
    List<String> list = new ArrayList<>(t.pending().users());
    list.remove(who);
    List<String> now = ApprovalSteps.union(list, List.of(delegate));
    ApprovalSteps.assign(c, runId, stepName, now, t.pending().roles(), t.pending().escalate());
    ObjectNode decision = ApprovalSteps.decision(json, t.row().decision());
    decision.set(
        "assignees",
        ApprovalSteps.assignees(new WorkflowDefinition.Assignees(now, t.pending().roles())));
    ObjectNode entry = ApprovalSteps.history(decision, clock.instant(), "delegated").put("by", who);
    if (via != null) {
      entry.set("via", via.json());
    }
    entry.put("to", delegate).put("comment", comment);
    ApprovalSteps.setDecision(c, runId, stepName, decision);
    alerts.approvalDelegated(c, t.run(), stepName, who, delegate, clock.instant());
    live.changed(org);
    return runs.get(org, runId);
  }

  private record Target(LockedRun run, Step step, StepRow row, Pending pending) {}

  /** The run locked and its waiting approval step; 404 for neither, 409 when it does not wait. */
  private Target target(Connection c, UUID org, UUID runId, String name) {
    LockedRun run =
        advancer
            .lock(c, runId)
            .filter(r -> r.organizationId().equals(org))
            .orElseThrow(() -> ApiProblem.notFound("workflow run", runId));
    Step step = advancer.definition(c, run).byName().get(name);
    if (step == null || step.approval() == null) {
      throw ApiProblem.notFound("approval step in run " + runId + " named", name);
    }
    StepRow row = advancer.steps(c, runId).get(name);
    if (!RunAdvancer.RUNNING.equals(run.state())) {
      throw ApiProblem.conflict(
          "run-not-running", "Run " + runId + " is " + run.state() + "; nothing waits in it.");
    }
    if (!RunAdvancer.RUNNING.equals(row.state())) {
      throw ApiProblem.conflict(
          "approval-not-waiting",
          "Step "
              + name
              + " is "
              + row.state()
              + (RunAdvancer.PENDING.equals(row.state())
                  ? "; it waits for the steps before it."
                  : "; it was decided (or timed out) already."));
    }
    Pending pending = ApprovalSteps.pending(c, runId, name).orElseThrow();
    return new Target(run, step, row, pending);
  }

  /** {@code by}, normalized, if they may decide now; else 403 saying who may. */
  private String assignee(UUID org, Pending p, String by) {
    if (by == null || by.isBlank()) {
      throw ApiProblem.invalid("by", "is required: the email of the assignee deciding");
    }
    String who = normalize(by);
    Membership m =
        member(org, who, "by")
            .orElseThrow(() -> forbidden("'" + by + "' is not a member of this organization."));
    if (!p.users().contains(who) && !p.roles().contains(m.role().code())) {
      throw forbidden(
          "'"
              + by
              + "' is not among the assignees of step "
              + p.name()
              + " (users "
              + p.users()
              + ", roles "
              + p.roles()
              + ").");
    }
    return who;
  }

  private java.util.Optional<Membership> member(UUID org, String email, String field) {
    if (Users.emailProblem(email) != null) {
      throw ApiProblem.invalid(field, "must be an email address, e.g. alice@example.com");
    }
    return users
        .findByEmail(normalize(email))
        .map(User::id)
        .flatMap(
            id ->
                members.memberships(id).stream()
                    .filter(m -> m.organizationId().equals(org))
                    .findFirst());
  }

  private static ApiProblem forbidden(String detail) {
    return new ApiProblem(HttpStatus.FORBIDDEN, "not-assignee", "Not an assignee", detail);
  }

  private static String comment(String comment) {
    if (comment == null || comment.isBlank()) {
      return null;
    }
    if (comment.length() > MAX_COMMENT) {
      throw ApiProblem.invalid("comment", "must be at most " + MAX_COMMENT + " characters");
    }
    if (comment.indexOf(0) >= 0) {
      throw ApiProblem.invalid("comment", "must not contain the NUL character (\\u0000)");
    }
    return comment.strip();
  }

  private static String normalize(String email) {
    return Users.normalize(email);
  }
}
