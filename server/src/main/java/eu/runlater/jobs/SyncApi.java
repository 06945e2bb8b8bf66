package eu.runlater.jobs;

import eu.runlater.engine.SecretBox;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code PUT /api/v1/sync}: make the organization's keyed jobs exactly the given set. */
@RestController
@Tag(name = "Jobs")
class SyncApi {
  private final JobSync sync;
  private final JobReads reads;
  private final SecretBox secrets;

  SyncApi(JobSync sync, JobReads reads, SecretBox secrets) {
    this.sync = sync;
    this.reads = reads;
    this.secrets = secrets;
  }

  /** The desired set: every job must carry a key. */
  record SyncRequest(List<JobInput> jobs) {}

  record Change(Object from, Object to) {}

  record Item(JobSync.Action action, String key, JobView job, Map<String, Change> changes) {}

  record SyncResult(boolean dryRun, Map<String, Integer> summary, List<Item> jobs) {}

  @PutMapping("/api/v1/sync")
  @Operation(
      summary = "Declarative sync of keyed jobs",
      description =
          "The body's jobs (each with a key) are created or updated; keyed jobs missing from it"
              + " are deleted; jobs without keys are untouched. ?dry_run=true returns the plan"
              + " (create, update, delete, unchanged) without applying it. Each item shows its"
              + " changes as {field: {from, to}}, secrets masked.")
  SyncResult put(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestBody SyncRequest request,
      @RequestParam(name = "dry_run", defaultValue = "false") boolean dryRun) {
    List<JobInput> desired = request.jobs() == null ? List.of() : request.jobs();
    List<JobSync.Step> steps = sync.sync(caller.organizationId(), desired, dryRun);
    Map<String, Integer> summary = new LinkedHashMap<>();
    for (JobSync.Action a : JobSync.Action.values()) {
      summary.put(a.code(), 0);
    }
    List<Item> items =
        steps.stream()
            .map(
                step -> {
                  summary.merge(step.action().code(), 1, Integer::sum);
                  JobView view =
                      step.id() == null || step.action() == JobSync.Action.DELETE && !dryRun
                          ? null
                          : JobView.of(
                              reads.getWithState(caller.organizationId(), step.id()), secrets);
                  Map<String, Change> changes = new LinkedHashMap<>();
                  step.changes()
                      .forEach(
                          (field, pair) ->
                              changes.put(field, new Change(pair.get(0), pair.get(1))));
                  return new Item(step.action(), step.key(), view, changes);
                })
            .toList();
    return new SyncResult(dryRun, summary, items);
  }
}
