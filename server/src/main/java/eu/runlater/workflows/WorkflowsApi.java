package eu.runlater.workflows;

import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Workflow definitions (versioned) and the runs of each. */
@RestController
@RequestMapping("/api/v1/workflows")
@Tag(name = "Workflows")
class WorkflowsApi {
  static final Set<String> STATES =
      Set.of("queued", "running", "cancelling", "succeeded", "failed", "cancelled");
  private static final String DEFINITION =
      "A definition: {key, name?, max_run_time?, input_schema? (JSON Schema 2020-12),"
          + " concurrency?: {key?: template over input, limit: 1..1000} (runs over the limit wait"
          + " queued and start oldest first as runs of their key end), on_cancel?: finish (default:"
          + " a cancelled run stays cancelling until its steps in flight end) | abandon (cancelled"
          + " at once, steps in flight abandoned), triggers?: [{event, match? (CEL over event, now),"
          + " input? (JSON; strings may read {{ event.x }})}] (POST /api/v1/events starts a run"
          + " per matching workflow), steps: [...]}."
          + " Each step: {name, kind, depends_on?: [names], join?: all (default) | any | N,"
          + " on_failure?: fail (default) | continue | {compensate: <step>}, ...}. kind http: {url, method?, headers?,"
          + " body?, timeout? (30s), retries? (0), backoff? {base, max}}; url, header values and"
          + " body strings may read {{ input.x }}, {{ steps.<name>.output.body.x }}, {{ run.id }}."
          + " kind condition: {expression (CEL over input, steps, now; a bool), then: [names],"
          + " else: [names]}. kind sleep: {duration | until}. kind wait_for_event: {event, match?"
          + " (CEL over event, input, steps, now), timeout?, on_timeout?: fail | continue}. kind"
          + " approval: {assignees: {users?: [emails], roles?: [owner | admin | member]}, timeout?,"
          + " on_timeout?: fail (default) | approve | reject, escalate?: {after, to: {users?,"
          + " roles?}}}. kind workflow: {workflow: <key>, input?: JSON (templates as a body)}: runs"
          + " that workflow's current version as a child and waits for it. Problems answer 422 naming"
          + " steps.<name>.<field> and change nothing.";

  private final WorkflowCommands commands;
  private final RunCommands runs;
  private final WorkflowYaml yaml;

  WorkflowsApi(WorkflowCommands commands, RunCommands runs, WorkflowYaml yaml) {
    this.commands = commands;
    this.runs = runs;
    this.yaml = yaml;
  }

  @PostMapping
  @Operation(
      summary = "Create a workflow (version 1)",
      description = DEFINITION + " 409 when the key exists. Honours Idempotency-Key.")
  ResponseEntity<WorkflowView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody JsonNode doc) {
    WorkflowView w = commands.create(caller.organizationId(), doc);
    return ResponseEntity.created(URI.create("/api/v1/workflows/" + w.key())).body(w);
  }

  @GetMapping
  @Operation(summary = "List workflows, newest first (archived ones with archived=true)")
  Page<WorkflowView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Boolean archived) {
    int n = Page.limit(limit);
    var rows =
        commands.list(
            caller.organizationId(), Boolean.TRUE.equals(archived), Page.cursor(cursor), n + 1);
    return Page.of(rows, n, WorkflowCommands.Row::id, commands::view);
  }

  @GetMapping("/{key}")
  @Operation(
      summary = "A workflow: its current version, or the one asked for with ?version=",
      description =
          "With Accept: application/yaml the same answer comes as YAML (its definition ready to"
              + " save from a file).")
  @ApiResponse(
      responseCode = "200",
      content = {
        @Content(
            mediaType = "application/json",
            schema = @Schema(implementation = WorkflowView.class)),
        @Content(
            mediaType = WorkflowYaml.YAML_VALUE,
            schema = @Schema(implementation = WorkflowView.class))
      })
  ResponseEntity<?> get(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String key,
      @RequestParam(required = false) Integer version,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
    return answer(ResponseEntity.ok(), commands.get(caller.organizationId(), key, version), accept);
  }

  @PostMapping(consumes = {WorkflowYaml.YAML_VALUE, "application/x-yaml", "text/yaml"})
  @Operation(
      summary = "Create a workflow (version 1) from YAML",
      description =
          "The same document as JSON, as YAML (Content-Type: application/yaml); problems name the"
              + " same fields. Anchors, aliases, duplicate keys and several documents are refused"
              + " (400). The answer is JSON, or YAML with Accept: application/yaml.")
  ResponseEntity<?> createYaml(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestBody byte[] body,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
    WorkflowView w = commands.create(caller.organizationId(), yaml.read(body));
    return answer(ResponseEntity.created(URI.create("/api/v1/workflows/" + w.key())), w, accept);
  }

  @PutMapping(
      value = "/{key}",
      consumes = {WorkflowYaml.YAML_VALUE, "application/x-yaml", "text/yaml"})
  @Operation(
      summary = "Save a new version of a workflow (or create it) from YAML",
      description =
          "As PUT with JSON, the document given as YAML (Content-Type: application/yaml). The"
              + " answer is JSON, or YAML with Accept: application/yaml.")
  ResponseEntity<?> saveYaml(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String key,
      @RequestBody byte[] body,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
    return answer(
        ResponseEntity.ok(), commands.save(caller.organizationId(), key, yaml.read(body)), accept);
  }

  /** The view as YAML when the caller asks for YAML before JSON, else as JSON. */
  private ResponseEntity<?> answer(
      ResponseEntity.BodyBuilder response, WorkflowView view, String accept) {
    if (wantsYaml(accept)) {
      return response
          .contentType(new MediaType("application", "yaml", StandardCharsets.UTF_8))
          .body(yaml.write(view));
    }
    return response.body(view);
  }

  static boolean wantsYaml(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    List<MediaType> types;
    try {
      types = MediaType.parseMediaTypes(accept);
    } catch (org.springframework.http.InvalidMediaTypeException e) {
      return false;
    }
    types = new java.util.ArrayList<>(types);
    types.sort(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed());
    for (MediaType t : types) {
      if (t.getType().equals("application")
          && (t.getSubtype().equals("yaml") || t.getSubtype().equals("x-yaml"))) {
        return true;
      }
      if (t.isCompatibleWith(MediaType.APPLICATION_JSON) && !t.isWildcardType()) {
        return false;
      }
    }
    return false;
  }

  @PutMapping("/{key}")
  @Operation(
      summary = "Save a new version of a workflow (or create it)",
      description =
          DEFINITION
              + " Runs under way keep the version they started with; new runs take this one.")
  WorkflowView save(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String key,
      @RequestBody JsonNode doc) {
    return commands.save(caller.organizationId(), key, doc);
  }

  @DeleteMapping("/{key}")
  @Operation(
      summary = "Archive a workflow",
      description = "It starts no run any more; its runs stay readable. PUT brings it back.")
  ResponseEntity<Void> archive(
      @AuthenticationPrincipal ApiPrincipal caller, @PathVariable String key) {
    commands.archive(caller.organizationId(), key);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{key}/runs")
  @Operation(
      summary = "Start a run",
      description =
          "Body {input?: JSON} (checked against the workflow's input_schema: 422 naming"
              + " input/<path>). The run takes the current version. Honours Idempotency-Key: the"
              + " same key and body answer the first run again.")
  ResponseEntity<RunView> start(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String key,
      @RequestBody(required = false) JsonNode body)
      throws SQLException {
    if (body != null && !body.isNull() && !body.isObject()) {
      throw ApiProblem.invalid("body", "must be an object: {input: ...}");
    }
    if (body != null && body.isObject()) {
      for (var e : body.properties()) {
        if (!e.getKey().equals("input")) {
          throw ApiProblem.invalid(e.getKey(), "is not a field here; give {input: ...}");
        }
      }
    }
    JsonNode input = body == null ? null : body.get("input");
    RunView run = runs.start(caller.organizationId(), key, input, caller.apiKeyId(), null);
    return ResponseEntity.created(URI.create("/api/v1/workflow-runs/" + run.id())).body(run);
  }

  @GetMapping("/{key}/runs")
  @Operation(
      summary = "List a workflow's runs, newest first, by state (steps left out)",
      description = "state: queued, running, cancelling, succeeded, failed or cancelled.")
  Page<RunView> runs(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String key,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    if (state != null && !STATES.contains(state)) {
      throw ApiProblem.invalid(
          "state", "must be queued, running, cancelling, succeeded, failed or cancelled");
    }
    var rows = runs.list(caller.organizationId(), key, state, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, RunCommands.RunRow::id, runs::view);
  }
}
