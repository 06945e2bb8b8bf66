package eu.runlater.jobs;

import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.platform.api.JsonMergePatch;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Jobs: create, read, change, delete, run now. */
@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "Jobs")
class JobsApi {
  private final Jobs jobs;
  private final JobValidator validator;
  private final SecretBox secrets;
  private final InstantSource clock;
  private final JsonMapper json;

  JobsApi(
      Jobs jobs, JobValidator validator, SecretBox secrets, InstantSource clock, JsonMapper json) {
    this.jobs = jobs;
    this.validator = validator;
    this.secrets = secrets;
    this.clock = clock;
    this.json = json;
  }

  record Triggered(UUID jobId, UUID taskId) {}

  @PostMapping
  @Operation(
      summary = "Create a job",
      description =
          "A one-time job: schedule {\"type\": \"once\", \"at\": \"<RFC 3339>\"} or"
              + " {\"type\": \"once\", \"delay\": \"90s\"}. Honours Idempotency-Key.")
  ResponseEntity<JobView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody JobInput input) {
    JobDraft draft = validator.validate(input, clock.instant());
    Job job = jobs.create(caller.organizationId(), draft);
    return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id()))
        .body(view(caller, job.id()));
  }

  @GetMapping
  @Operation(summary = "List jobs, newest first, with cursor pagination and filters")
  Page<JobView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Boolean enabled,
      @RequestParam(name = "schedule_type", required = false) String scheduleType,
      @RequestParam(required = false) String key,
      @RequestParam(required = false) String q) {
    int n = Page.limit(limit);
    if (scheduleType != null && !scheduleType.equals("once") && !scheduleType.equals("cron")) {
      throw ApiProblem.invalid("schedule_type", "must be once or cron");
    }
    var rows =
        jobs.list(
            caller.organizationId(),
            new Jobs.Filter(enabled, scheduleType, key, q == null || q.isBlank() ? null : q),
            Page.cursor(cursor),
            n + 1);
    return Page.of(rows, n, r -> r.job().id(), r -> JobView.of(r, secrets));
  }

  @GetMapping("/{id}")
  @Operation(summary = "A job, its next run and its last execution")
  JobView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return view(caller, id);
  }

  @PatchMapping("/{id}")
  @Operation(
      summary = "Change a job (JSON Merge Patch: give the fields to change, null to remove)",
      description =
          "A waiting run is replaced with the new definition, at the new time when the schedule"
              + " changes; a run in progress finishes as it started.")
  JobView patch(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "malformed-request",
          "Malformed request",
          "A PATCH body is a JSON object of the fields to change.");
    }
    Job current = jobs.get(caller.organizationId(), id);
    JobDraft currentDraft = jobs.draftOf(current);
    JsonNode merged = JsonMergePatch.apply(json.valueToTree(inputOf(currentDraft)), patch);
    JobInput input;
    try {
      input = json.treeToValue(merged, JobInput.class);
    } catch (JacksonException e) {
      throw ApiProblem.invalid("body", "does not describe a job: " + e.getOriginalMessage());
    }
    boolean scheduleGiven = patch.has("schedule");
    JobDraft draft =
        validator.validate(input, clock.instant(), scheduleGiven ? null : current.schedule());
    jobs.update(caller.organizationId(), id, draft);
    return view(caller, id);
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Delete a job and its waiting runs (history is kept)")
  ResponseEntity<Void> delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    jobs.delete(caller.organizationId(), id);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{id}/trigger")
  @Operation(summary = "Run the job now, beside its schedule")
  ResponseEntity<Triggered> trigger(
      @AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    UUID taskId = jobs.trigger(caller.organizationId(), id);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Triggered(id, taskId));
  }

  private JobView view(ApiPrincipal caller, UUID id) {
    return JobView.of(jobs.getWithState(caller.organizationId(), id), secrets);
  }

  /** The document a PATCH merges into: the job as input, schedule left out (kept unless given). */
  private ObjectNode inputOf(JobDraft d) {
    LinkedHashMap<String, String> headers = new LinkedHashMap<>();
    d.headers().forEach(h -> headers.put(h.name(), h.value()));
    JobInput input =
        new JobInput(
            d.name(),
            d.key(),
            d.url(),
            d.method(),
            headers,
            d.secretHeaders().stream().toList(),
            d.body() == null ? null : json.getNodeFactory().stringNode(JobView.text(d.body())),
            d.secretBody(),
            d.timeoutMs(),
            d.retries(),
            null,
            d.enabled());
    ObjectNode node = json.valueToTree(input);
    node.remove("schedule");
    for (String empty : new String[] {"key", "body"}) {
      if (node.has(empty) && node.get(empty).isNull()) {
        node.remove(empty);
      }
    }
    return node;
  }
}
