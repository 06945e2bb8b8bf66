package eu.runlater.workflows;

import eu.runlater.apikeys.ApiKeys;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Approval steps through the API: an integration (a chat bot, a ticket system) relays a member's
 * decision, naming them in {@code by}; the member must be among the step's assignees now. The
 * dashboard's inbox decides as the signed-in member.
 */
@RestController
@Tag(name = "Workflows")
class ApprovalsApi {
  private static final String RUN_STEP = "/api/v1/workflow-runs/{id}/steps/{step}";
  private final ApprovalCommands approvals;
  private final ApiKeys keys;

  ApprovalsApi(ApprovalCommands approvals, ApiKeys keys) {
    this.approvals = approvals;
    this.keys = keys;
  }

  /** The key of this request, recorded with what it decides. */
  private ApprovalCommands.Via via(ApiPrincipal caller) {
    if (caller.apiKeyId() == null) {
      return null;
    }
    String name = keys.get(caller.organizationId(), caller.apiKeyId()).name();
    return new ApprovalCommands.Via(caller.apiKeyId(), name);
  }

  @GetMapping("/api/v1/approvals")
  @Operation(
      summary = "Approvals waiting",
      description =
          "The organization's approval steps waiting for a decision, newest run first (at most"
              + " 200); with ?for=<email>, those that member may decide (named, or by their role):"
              + " their inbox. Each: run_id, step, workflow, users, roles, since, timeout_at, input,"
              + " decision (assignees, history).")
  Map<String, List<ApprovalCommands.Waiting>> inbox(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(name = "for", required = false) String email) {
    return Map.of("data", approvals.inbox(caller.organizationId(), email));
  }

  @PostMapping(RUN_STEP + "/approve")
  @Operation(
      summary = "Approve a waiting approval step",
      description =
          "Body {by: <member email>, comment?}. The step succeeds with output {approved: true, by,"
              + " comment, at} and the run goes on; its decision records by and the API key it"
              + " came through (decided_via: {api_key_id, api_key_name}, also in its history). 403 when by is not among its assignees now;"
              + " 409 when it was decided or timed out already, does not wait yet, or its run"
              + " ended.")
  RunView approve(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @PathVariable String step,
      @RequestBody JsonNode body)
      throws SQLException {
    return decide(caller, id, step, body, true);
  }

  @PostMapping(RUN_STEP + "/reject")
  @Operation(
      summary = "Reject a waiting approval step",
      description =
          "Body {by: <member email>, comment?}. The step fails with output {approved: false, by,"
              + " comment, at}: its on_failure applies (the run fails, or continues). 403 and 409"
              + " as for approve.")
  RunView reject(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @PathVariable String step,
      @RequestBody JsonNode body)
      throws SQLException {
    return decide(caller, id, step, body, false);
  }

  private RunView decide(ApiPrincipal caller, UUID id, String step, JsonNode body, boolean approve)
      throws SQLException {
    JsonNode b = body(body, Set.of("by", "comment"));
    return approvals.decide(
        caller.organizationId(), id, step, text(b, "by"), via(caller), approve, text(b, "comment"));
  }

  @PostMapping(RUN_STEP + "/delegate")
  @Operation(
      summary = "Delegate a waiting approval to another member",
      description =
          "Body {by: <assignee email>, to: <member email>, comment?}. The delegate becomes an"
              + " assignee and by (if named by email) no longer is; recorded in the step's"
              + " decision history. 403 and 409 as for approve; 422 when to is not a member.")
  RunView delegate(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @PathVariable String step,
      @RequestBody JsonNode body) {
    JsonNode b = body(body, Set.of("by", "to", "comment"));
    return approvals.delegate(
        caller.organizationId(),
        id,
        step,
        text(b, "by"),
        via(caller),
        text(b, "to"),
        text(b, "comment"));
  }

  private static JsonNode body(JsonNode body, Set<String> fields) {
    if (body == null || !body.isObject()) {
      throw ApiProblem.invalid("body", "must be an object: " + fields);
    }
    for (var e : body.properties()) {
      if (!fields.contains(e.getKey())) {
        throw ApiProblem.invalid(e.getKey(), "is not a field here; give " + fields);
      }
    }
    return body;
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isString()) {
      throw ApiProblem.invalid(field, "must be a string");
    }
    return n.asString();
  }
}
