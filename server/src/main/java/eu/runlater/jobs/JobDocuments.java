package eu.runlater.jobs;

import eu.runlater.engine.SealedRequests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job as the document the API accepts: what a PATCH merges into, and what a sync compares.
 * Secrets appear in the clear here; these documents never leave the server unmasked.
 */
final class JobDocuments {
  private JobDocuments() {}

  static JobInput input(JobDraft d, JsonMapper json) {
    JobInput.WorkflowTarget workflow = JobWorkflowTargets.target(d.url(), d.body(), json);
    if (workflow != null) {
      return JobInput.ofWorkflow(
          d.name(),
          d.key(),
          d.timeoutMs(),
          d.retries(),
          schedule(d.schedule()),
          d.enabled(),
          d.catchUp().code(),
          d.overlap().code(),
          workflow);
    }
    LinkedHashMap<String, String> headers = new LinkedHashMap<>();
    d.headers().forEach(h -> headers.put(h.name(), h.value()));
    return new JobInput(
        d.name(),
        d.key(),
        d.url(),
        d.method(),
        headers,
        List.copyOf(d.secretHeaders()),
        d.body() == null ? null : json.getNodeFactory().stringNode(JobView.text(d.body())),
        d.secretBody(),
        d.timeoutMs(),
        d.retries(),
        schedule(d.schedule()),
        d.enabled(),
        d.catchUp().code(),
        d.overlap().code(),
        null);
  }

  static JobInput.ScheduleInput schedule(Schedule s) {
    return switch (s) {
      case Schedule.Once once ->
          new JobInput.ScheduleInput("once", once.at().toString(), null, null, once.zoneId());
      case Schedule.Cron cron ->
          new JobInput.ScheduleInput(
              "cron", null, null, cron.cron().expression(), cron.zone().getId());
    };
  }

  /** The document a PATCH merges into: the schedule left out, kept unless the patch gives one. */
  static ObjectNode patchTarget(JobDraft d, JsonMapper json) {
    ObjectNode node = json.valueToTree(input(d, json));
    node.remove("schedule");
    for (String optional :
        List.of("key", "body", "url", "method", "headers", "secret_headers", "secret_body")) {
      if (node.has(optional) && node.get(optional).isNull()) {
        node.remove(optional);
      }
    }
    if (node.has("workflow") && node.get("workflow").isNull()) {
      node.remove("workflow");
    }
    return node;
  }

  /**
   * A patch that gives a target of the other kind (a {@code workflow} to a URL job, a {@code url}
   * to a workflow job) replaces the target: the stored one's fields leave the document it merges
   * into.
   */
  static ObjectNode switchTarget(ObjectNode target, tools.jackson.databind.JsonNode patch) {
    boolean toWorkflow = patch.hasNonNull("workflow") && !target.has("workflow");
    boolean toUrl = patch.hasNonNull("url") && target.has("workflow");
    if (toWorkflow) {
      target.remove(List.of("url", "method", "headers", "secret_headers", "body", "secret_body"));
    }
    if (toUrl) {
      target.remove("workflow");
    }
    return target;
  }

  /** What differs between two drafts, field by field, secrets masked: {field: [from, to]}. */
  static LinkedHashMap<String, List<Object>> changes(JobDraft from, JobDraft to) {
    LinkedHashMap<String, List<Object>> changes = new LinkedHashMap<>();
    diff(changes, "name", from.name(), to.name());
    diff(changes, "url", from.url(), to.url());
    diff(changes, "method", from.method(), to.method());
    if (!from.headers().equals(to.headers()) || !from.secretHeaders().equals(to.secretHeaders())) {
      changes.put("headers", java.util.Arrays.asList(headers(from, null), headers(to, from)));
    }
    if (!java.util.Arrays.equals(from.body(), to.body()) || from.secretBody() != to.secretBody()) {
      changes.put("body", java.util.Arrays.asList(body(from, null), body(to, from)));
    }
    diff(changes, "timeout_ms", from.timeoutMs(), to.timeoutMs());
    diff(changes, "retries", from.retries(), to.retries());
    diff(changes, "schedule", schedule(from.schedule()), schedule(to.schedule()));
    diff(changes, "enabled", from.enabled(), to.enabled());
    diff(changes, "catch_up", from.catchUp().code(), to.catchUp().code());
    diff(changes, "overlap", from.overlap().code(), to.overlap().code());
    return changes;
  }

  private static void diff(
      LinkedHashMap<String, List<Object>> out, String field, Object a, Object b) {
    if (!java.util.Objects.equals(a, b)) {
      out.put(field, java.util.Arrays.asList(a, b));
    }
  }

  /** Headers one per line, secret values masked ("changed" when they differ from before's). */
  private static String headers(JobDraft d, JobDraft before) {
    return d.headers().stream()
        .map(
            h -> {
              boolean secret =
                  SealedRequests.looksSecret(h.name())
                      || d.secretHeaders().stream().anyMatch(n -> n.equalsIgnoreCase(h.name()));
              if (!secret) {
                return h.name() + ": " + h.value();
              }
              boolean changed =
                  before != null
                      && before.headers().stream()
                          .noneMatch(
                              b ->
                                  b.name().equalsIgnoreCase(h.name())
                                      && b.value().equals(h.value()));
              return h.name() + ": " + SealedRequests.MASK + (changed ? " (changed)" : "");
            })
        .collect(Collectors.joining("\n"));
  }

  private static String body(JobDraft d, JobDraft before) {
    if (d.body() == null) {
      return null;
    }
    if (!d.secretBody()) {
      return JobView.text(d.body());
    }
    boolean changed = before != null && !java.util.Arrays.equals(before.body(), d.body());
    return SealedRequests.MASK + (changed ? " (changed)" : "");
  }
}
