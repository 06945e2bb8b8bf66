package eu.runlater.jobs;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.workflows.WorkflowStarts;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs whose target is a workflow ({@link JobInput.WorkflowTarget}): stored as a POST of the input
 * to the workflow's start URL ({@link WorkflowStarts#url}), so each occurrence is a task like any
 * other and the workflows' transport starts one run per task. This checks, with the organization,
 * what the validator cannot: that the workflow exists, is not archived, and takes the input.
 */
@Component
class JobWorkflowTargets {
  private final WorkflowStarts starts;
  private final JsonMapper json;

  JobWorkflowTargets(WorkflowStarts starts, JsonMapper json) {
    this.starts = starts;
    this.json = json;
  }

  /** 422 naming {@code workflow.key} or {@code workflow.input…} when the target cannot start. */
  void check(UUID org, JobDraft draft) {
    Optional<String> key = WorkflowStarts.key(draft.url());
    if (key.isEmpty()) {
      return;
    }
    List<FieldError> errors =
        starts.check(org, key.get(), input(draft.body(), json), "workflow.key", "workflow.input");
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
  }

  /** Checks a changed target only: pausing a job whose workflow was archived since still works. */
  void checkChange(UUID org, Job current, JobDraft draft) {
    boolean same =
        draft.url().equals(current.request().url())
            && Arrays.equals(draft.body(), current.request().body());
    if (!same) {
      check(org, draft);
    }
  }

  /** The workflow a stored request starts, with its input; null for an HTTP job. */
  static JobInput.WorkflowTarget target(String url, byte[] body, JsonMapper json) {
    return WorkflowStarts.key(url)
        .map(key -> new JobInput.WorkflowTarget(key, input(body, json)))
        .orElse(null);
  }

  static JsonNode input(byte[] body, JsonMapper json) {
    return body == null || body.length == 0 ? json.createObjectNode() : json.readTree(body);
  }
}
