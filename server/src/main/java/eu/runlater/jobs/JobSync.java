package eu.runlater.jobs;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Declarative sync: the caller sends the whole desired set of keyed jobs; jobs with those keys are
 * created or updated, keyed jobs absent from the set are deleted, and jobs without a key are left
 * alone. All of it in one transaction, serialized per organization so concurrent syncs of the same
 * set end in the same state. A dry run computes the same plan and changes nothing.
 */
@Service
class JobSync {
  private final JobCommands jobs;
  private final JobReads reads;
  private final JobValidator validator;
  private final JdbcClient jdbc;
  private final InstantSource clock;

  JobSync(
      JobCommands jobs,
      JobReads reads,
      JobValidator validator,
      JdbcClient jdbc,
      InstantSource clock) {
    this.jobs = jobs;
    this.reads = reads;
    this.validator = validator;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  enum Action {
    CREATE,
    UPDATE,
    DELETE,
    UNCHANGED;

    @com.fasterxml.jackson.annotation.JsonValue
    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One job's part of the plan; {@code job} is filled in by the API after applying. */
  record Step(Action action, String key, UUID id, LinkedHashMap<String, List<Object>> changes) {}

  @Transactional
  public List<Step> sync(UUID organizationId, List<JobInput> desired, boolean dryRun) {
    // One sync at a time per organization: a second waits here and then finds the first's work.
    jdbc.sql(JobsQueries.JOB_SYNC_LOCK)
        .param("org", organizationId.toString())
        .query((rs, n) -> null)
        .list();
    Map<String, JobDraft> wanted = validate(desired);
    Map<String, Job> existing = new HashMap<>();
    for (Job job : reads.keyed(organizationId)) {
      existing.put(job.key(), job);
    }
    List<Step> plan = new ArrayList<>();
    for (var entry : wanted.entrySet()) {
      Job current = existing.get(entry.getKey());
      JobDraft draft = entry.getValue();
      if (current == null) {
        plan.add(new Step(Action.CREATE, entry.getKey(), null, new LinkedHashMap<>()));
        continue;
      }
      JobDraft before = reads.draftOf(current);
      var changes = JobDocuments.changes(before, draft);
      plan.add(
          new Step(
              changes.isEmpty() ? Action.UNCHANGED : Action.UPDATE,
              entry.getKey(),
              current.id(),
              changes));
    }
    for (Job job : existing.values()) {
      if (!wanted.containsKey(job.key())) {
        plan.add(new Step(Action.DELETE, job.key(), job.id(), new LinkedHashMap<>()));
      }
    }
    plan.sort(java.util.Comparator.comparing(Step::key));
    if (dryRun) {
      return plan;
    }
    List<Step> applied = new ArrayList<>(plan.size());
    for (Step step : plan) {
      switch (step.action()) {
        case CREATE -> {
          Job job = jobs.create(organizationId, wanted.get(step.key()));
          applied.add(new Step(Action.CREATE, step.key(), job.id(), step.changes()));
        }
        case UPDATE -> {
          jobs.update(organizationId, step.id(), wanted.get(step.key()));
          applied.add(step);
        }
        case DELETE -> {
          jobs.delete(organizationId, step.id());
          applied.add(step);
        }
        case UNCHANGED -> applied.add(step);
      }
    }
    return applied;
  }

  private Map<String, JobDraft> validate(List<JobInput> desired) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, JobDraft> wanted = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < desired.size(); i++) {
      JobInput in = desired.get(i);
      String prefix = "jobs[" + i + "].";
      if (in == null || in.key() == null || in.key().isBlank()) {
        errors.add(new FieldError(prefix + "key", "is required: sync manages jobs by key"));
        continue;
      }
      if (!seen.add(in.key())) {
        errors.add(new FieldError(prefix + "key", "'" + in.key() + "' appears twice in the set"));
        continue;
      }
      try {
        wanted.put(in.key(), validator.validate(in, clock.instant()));
      } catch (ApiProblem problem) {
        for (FieldError e : problem.errors()) {
          errors.add(new FieldError(prefix + e.field(), e.message()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return wanted;
  }
}
