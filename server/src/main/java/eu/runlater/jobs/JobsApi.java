package eu.runlater.jobs;

import eu.runlater.engine.SecretBox;
import eu.runlater.hosts.Holds;
import eu.runlater.platform.api.JsonMergePatch;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.requests.SecretReentry;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Jobs: create, read, change, delete, pause, resume, copy, run now; by id or by key. */
@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "Jobs")
class JobsApi {
  private final JobCommands jobs;
  private final JobCreates creates;
  private final JobReads reads;
  private final JobValidator validator;
  private final SecretBox secrets;
  private final InstantSource clock;
  private final JsonMapper json;
  private final JobTimeline timeline;
  private final Holds holds;

  JobsApi(
      JobCommands jobs,
      JobCreates creates,
      JobReads reads,
      JobValidator validator,
      SecretBox secrets,
      InstantSource clock,
      JsonMapper json,
      JobTimeline timeline,
      Holds holds) {
    this.timeline = timeline;
    this.holds = holds;
    this.jobs = jobs;
    this.creates = creates;
    this.reads = reads;
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
          "schedule: {\"type\": \"once\", \"at\": \"<RFC 3339>\"}, {\"type\": \"once\", \"delay\":"
              + " \"90s\"} or {\"type\": \"cron\", \"expression\": \"*/5 * * * *\", \"timezone\":"
              + " \"Europe/Oslo\"}. Honours Idempotency-Key.")
  ResponseEntity<JobView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody JobInput input) {
    JobCommands.Created created =
        creates.create(
            caller.organizationId(), caller.tier(), validator.validate(input, clock.instant()));
    UUID id = created.inserted().job().id();
    Instant now = clock.instant();
    return ResponseEntity.created(URI.create("/api/v1/jobs/" + id))
        .body(
            asInserted(created, now)
                ? JobView.of(created.inserted(), secrets, Holds.Lookup.none(now))
                : view(caller, id, holds.forOrganization(caller.organizationId())));
  }

  /**
   * Whether the created job reads back as it was inserted ({@link JobCommands#asInserted}), so the
   * answer needs no read of it (JOB_GET_WITH_STATE was three fifths of a create's statement time):
   * a disabled job has no run; an enabled one's run is as inserted unless the insert left it
   * otherwise (held by its target's open circuit, moved by a throttle, or handed to a worker:
   * {@link JobCommands.Created#asPlanned}) or it is due already (a worker may have claimed it).
   * Only then is it read back, and explained with the organization's holds.
   */
  private static boolean asInserted(JobCommands.Created created, Instant now) {
    JobRows.RunState state = created.inserted().state();
    return state.taskState() == null || created.asPlanned() && state.taskRunAt().isAfter(now);
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
        reads.list(
            caller.organizationId(),
            new JobReads.Filter(enabled, scheduleType, key, q == null || q.isBlank() ? null : q),
            Page.cursor(cursor),
            n + 1);
    Holds.Lookup held = holds.forOrganization(caller.organizationId());
    return Page.of(rows, n, r -> r.job().id(), r -> JobView.of(r, secrets, held));
  }

  @GetMapping("/{id}")
  @Operation(summary = "A job, its next run and its last execution")
  JobView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return view(caller, id);
  }

  @GetMapping("/{id}/timeline")
  @Operation(
      summary = "Planned versus actual: every occurrence in a window and what happened to it",
      description =
          "from/to are RFC 3339 (default: the last day and the next), at most 31 days apart."
              + " Each entry: ran (with outcome and lateness), running, retrying, pending (due,"
              + " about to start), held (due and held: hold and reason say by what, or waiting"
              + " behind the job's earlier run that is held), overdue (due over 30 s ago, no"
              + " hold known), planned, missed, skipped, over_quota, cancelled, paused or"
              + " not_run.")
  JobTimeline.Timeline timeline(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestParam(required = false)
          @org.springframework.format.annotation.DateTimeFormat(
              iso = org.springframework.format.annotation.DateTimeFormat.ISO.DATE_TIME)
          java.time.OffsetDateTime from,
      @RequestParam(required = false)
          @org.springframework.format.annotation.DateTimeFormat(
              iso = org.springframework.format.annotation.DateTimeFormat.ISO.DATE_TIME)
          java.time.OffsetDateTime to) {
    return timeline.timeline(
        caller.organizationId(),
        id,
        from == null ? null : from.toInstant(),
        to == null ? null : to.toInstant());
  }

  @GetMapping("/key/{key}")
  @Operation(summary = "A job by its key")
  JobView getByKey(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String key) {
    return view(caller, byKey(caller, key).id());
  }

  @PutMapping("/key/{key}")
  @Operation(
      summary = "Create or replace the job with this key (the body is the whole job)",
      description =
          "201 when created, 200 when replaced; the key in the path wins over any in the body.")
  ResponseEntity<JobView> upsertByKey(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String key,
      @RequestBody JobInput input) {
    JobInput keyed = input.withKey(key);
    var existing = reads.findByKey(caller.organizationId(), key);
    if (existing.isPresent()) {
      JobDraft draft =
          validator.validate(
              keyed, clock.instant(), keyed.schedule() == null ? existing.get().schedule() : null);
      jobs.update(caller.organizationId(), existing.get().id(), draft);
      return ResponseEntity.ok(view(caller, existing.get().id()));
    }
    Job job = jobs.create(caller.organizationId(), validator.validate(keyed, clock.instant()));
    return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id()))
        .body(view(caller, job.id()));
  }

  @PatchMapping("/{id}")
  @Operation(
      summary = "Change a job (JSON Merge Patch: give the fields to change, null to remove)",
      description =
          "A waiting run is replaced with the new definition, at the new time when the schedule"
              + " changes; a run in progress finishes as it started. A url with another scheme,"
              + " host or port than the stored one is refused (422 secret-reentry-required,"
              + " naming headers.<Name> or body) while a stored secret header or secret body is"
              + " kept without its value being given again in the same patch.")
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
    Job current = reads.get(caller.organizationId(), id);
    JobDraft stored = reads.draftOf(current);
    JsonNode merged =
        JsonMergePatch.apply(
            JobDocuments.switchTarget(JobDocuments.patchTarget(stored, json), patch), patch);
    JobInput input;
    try {
      input = json.treeToValue(merged, JobInput.class);
    } catch (JacksonException e) {
      throw ApiProblem.invalid("body", "does not describe a job: " + e.getOriginalMessage());
    }
    JobDraft draft =
        validator.validate(
            input, clock.instant(), patch.has("schedule") ? null : current.schedule());
    var reentry = CarriedSecrets.byPatch(current, stored, patch, draft);
    if (!reentry.isEmpty()) {
      throw SecretReentry.problem(reentry);
    }
    var revealed = CarriedSecrets.revealedByPatch(current, stored, patch, draft);
    if (!revealed.isEmpty()) {
      throw ApiProblem.invalid(revealed);
    }
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

  @PostMapping("/{id}/pause")
  @Operation(
      summary = "Pause a job: its waiting run is removed; occurrences until resume show as paused")
  JobView pause(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return setEnabled(caller, id, false);
  }

  @PostMapping("/{id}/resume")
  @Operation(summary = "Resume a paused job: its next run is planned from now")
  JobView resume(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return setEnabled(caller, id, true);
  }

  @PostMapping("/{id}/clone")
  @Operation(
      summary = "Copy a job (without its key); the copy is a new job with its own id",
      description =
          "A one-time job whose time has passed is copied disabled, its time set to now: change"
              + " the time, then resume it.")
  ResponseEntity<JobView> copy(
      @AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    Job job = jobs.copy(caller.organizationId(), id);
    return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id()))
        .body(view(caller, job.id()));
  }

  private JobView setEnabled(ApiPrincipal caller, UUID id, boolean enabled) {
    jobs.setEnabled(caller.organizationId(), id, enabled);
    return view(caller, id);
  }

  private Job byKey(ApiPrincipal caller, String key) {
    return reads
        .findByKey(caller.organizationId(), key)
        .orElseThrow(
            () ->
                new ApiProblem(
                    HttpStatus.NOT_FOUND,
                    "not-found",
                    "Not found",
                    "No job with key '" + key + "'."));
  }

  private JobView view(ApiPrincipal caller, UUID id) {
    return view(caller, id, holds.forOrganization(caller.organizationId()));
  }

  private JobView view(ApiPrincipal caller, UUID id, Holds.Lookup held) {
    return JobView.of(reads.getWithState(caller.organizationId(), id), secrets, held);
  }
}
