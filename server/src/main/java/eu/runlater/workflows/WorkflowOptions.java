package eu.runlater.workflows;

import eu.runlater.platform.errors.FieldError;
import eu.runlater.workflows.WorkflowDefinition.Concurrency;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The checks of a definition's workflow-wide fields beside its steps ({@link DefinitionParser}
 * checks the steps): {@code concurrency}, {@code on_cancel}. Each problem is a {@link FieldError}
 * naming the field.
 */
final class WorkflowOptions {
  static final int MAX_LIMIT = 1_000;
  static final int MAX_KEY = 500;

  private WorkflowOptions() {}

  /** {@code concurrency: {key?, limit}}, or null when absent. */
  static Concurrency concurrency(JsonNode n, List<FieldError> errors) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      errors.add(
          new FieldError(
              "concurrency",
              "must be {key?, limit}, e.g. {\"key\": \"{{ input.customer_id }}\", \"limit\": 1}"));
      return null;
    }
    unknown(n, Set.of("key", "limit"), "concurrency.", errors);
    JsonNode limit = n.get("limit");
    boolean limitOk =
        limit != null
            && limit.isIntegralNumber()
            && limit.asLong() >= 1
            && limit.asLong() <= MAX_LIMIT;
    if (!limitOk) {
      errors.add(
          new FieldError(
              "concurrency.limit",
              "is required: how many runs (per key) may run at once, 1 to " + MAX_LIMIT));
    }
    String key = concurrencyKey(n.get("key"), errors);
    return limitOk ? new Concurrency(key, limit.asInt()) : null;
  }

  private static String concurrencyKey(JsonNode key, List<FieldError> errors) {
    if (key == null || key.isNull()) {
      return null;
    }
    if (!key.isString() || key.asString().isBlank() || key.asString().length() > MAX_KEY) {
      errors.add(
          new FieldError(
              "concurrency.key",
              "must be a template over the input of at most "
                  + MAX_KEY
                  + " characters, e.g. {{ input.customer_id }}"));
      return null;
    }
    try {
      for (String ref : Templates.refs(key.asString())) {
        if (!ref.equals("input") && !ref.startsWith("input.")) {
          errors.add(
              new FieldError(
                  "concurrency.key",
                  "refers to '"
                      + ref
                      + "'; a concurrency key is known when the run starts, so it reads the"
                      + " input only: {{ input.<field> }}"));
        }
      }
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("concurrency.key", e.getMessage()));
    }
    return key.asString();
  }

  /** {@code on_cancel}: finish (the default) or abandon. */
  static String onCancel(JsonNode n, List<FieldError> errors) {
    if (n == null || n.isNull()) {
      return WorkflowDefinition.FINISH;
    }
    String v = n.isString() ? n.asString() : "";
    if (!v.equals(WorkflowDefinition.FINISH) && !v.equals(WorkflowDefinition.ABANDON)) {
      errors.add(
          new FieldError(
              "on_cancel",
              "must be finish (the default: a cancelled run waits for its steps in flight) or"
                  + " abandon (it ends at once)"));
      return WorkflowDefinition.FINISH;
    }
    return v;
  }

  static void unknown(JsonNode doc, Set<String> allowed, String at, List<FieldError> errors) {
    for (var e : doc.properties()) {
      if (!allowed.contains(e.getKey())) {
        errors.add(new FieldError(at + e.getKey(), "is not a field here"));
      }
    }
  }
}
