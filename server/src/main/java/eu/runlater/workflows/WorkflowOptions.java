package eu.runlater.workflows;

import eu.runlater.platform.errors.FieldError;
import eu.runlater.workflows.WorkflowDefinition.Concurrency;
import eu.runlater.workflows.WorkflowDefinition.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The checks of a definition's workflow-wide fields beside its steps ({@link DefinitionParser}
 * checks the steps): {@code concurrency}, {@code on_cancel}, {@code triggers}. Each problem is a
 * {@link FieldError} naming the field.
 */
final class WorkflowOptions {
  static final int MAX_LIMIT = 1_000;
  static final int MAX_KEY = 500;
  static final int MAX_TRIGGERS = 20;

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

  /** {@code triggers: [{event, match?, input?}]}; empty when absent. */
  static List<Trigger> triggers(JsonNode n, Conditions conditions, List<FieldError> errors) {
    List<Trigger> triggers = new ArrayList<>();
    if (n == null || n.isNull()) {
      return triggers;
    }
    if (!n.isArray() || n.size() > MAX_TRIGGERS) {
      errors.add(
          new FieldError(
              "triggers",
              "must be an array of at most "
                  + MAX_TRIGGERS
                  + " triggers: {event, match?, input?}"));
      return triggers;
    }
    int i = 0;
    for (JsonNode t : n) {
      String at = "triggers[" + i++ + "]";
      if (!t.isObject()) {
        errors.add(new FieldError(at, "must be an object: {event, match?, input?}"));
        continue;
      }
      unknown(t, Set.of("event", "match", "input"), at + ".", errors);
      JsonNode event = t.get("event");
      if (event == null
          || !event.isString()
          || !DefinitionParser.EVENT.matcher(event.asString()).matches()) {
        errors.add(
            new FieldError(
                at + ".event",
                "is required: the event's name (letters, digits and . _ : / -, at most 100)"));
      }
      JsonNode match = t.get("match");
      if (match != null && !match.isNull()) {
        String problem =
            match.isString()
                ? conditions.checkTrigger(match.asString())
                : "must be a CEL expression over event (the payload) giving a bool";
        if (problem != null) {
          errors.add(new FieldError(at + ".match", problem));
        }
      }
      JsonNode input = t.get("input");
      if (input != null && !input.isNull()) {
        triggerInput(input, at + ".input", errors);
      } else {
        input = null;
      }
      if (event != null && event.isString()) {
        triggers.add(
            new Trigger(
                event.asString(),
                match == null || match.isNull() ? null : match.asString(),
                input));
      }
    }
    return triggers;
  }

  private static void triggerInput(JsonNode input, String field, List<FieldError> errors) {
    if (input.toString().length() > eu.runlater.engine.TaskRequest.MAX_BODY_BYTES) {
      errors.add(new FieldError(field, "must be at most 256 KB"));
      return;
    }
    for (String text : Templates.strings(input)) {
      try {
        for (String ref : Templates.refs(text)) {
          if (!ref.equals("event") && !ref.startsWith("event.")) {
            errors.add(
                new FieldError(
                    field,
                    "refers to '"
                        + ref
                        + "'; a trigger's input reads the event's payload: {{ event.<field> }}"));
          }
        }
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(field, e.getMessage()));
      }
    }
  }

  static void unknown(JsonNode doc, Set<String> allowed, String at, List<FieldError> errors) {
    for (var e : doc.properties()) {
      if (!allowed.contains(e.getKey())) {
        errors.add(new FieldError(at + e.getKey(), "is not a field here"));
      }
    }
  }
}
