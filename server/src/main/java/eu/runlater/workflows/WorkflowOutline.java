package eu.runlater.workflows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A definition as the workflow page lists it: its steps in layers (a step sits one layer below the
 * deepest step it depends on), each with its kind, what it waits for and a one-line summary. It
 * reads the document as JSON, not the parsed definition, so a step kind this page does not know
 * still shows: its kind, its dependencies and its fields.
 */
record WorkflowOutline(List<Layer> layers, int steps) {

  record Layer(int depth, List<StepLine> steps) {}

  /**
   * @param needs its dependencies and join in words ("after a and b", "after any of a, b")
   * @param summary what it does in one line, e.g. {@code POST https://…}
   */
  record StepLine(String name, String kind, String needs, String summary) {}

  static WorkflowOutline of(JsonNode definition) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode s : definition.path("steps")) {
      byName.put(s.path("name").asString(), s);
    }
    Map<String, Integer> depth = new HashMap<>();
    for (String name : byName.keySet()) {
      depthOf(name, byName, depth, 0);
    }
    Map<Integer, List<StepLine>> layers = new java.util.TreeMap<>();
    for (var e : byName.entrySet()) {
      JsonNode s = e.getValue();
      layers
          .computeIfAbsent(depth.get(e.getKey()), d -> new ArrayList<>())
          .add(
              new StepLine(
                  e.getKey(), s.path("kind").asString("?"), needs(s), summary(s, s.path("kind"))));
    }
    List<Layer> out = new ArrayList<>();
    layers.forEach((d, lines) -> out.add(new Layer(d, lines)));
    return new WorkflowOutline(out, byName.size());
  }

  // The parser has proved the graph acyclic; the bound only keeps a bad stored document from
  // recursing without end.
  private static int depthOf(
      String name, Map<String, JsonNode> byName, Map<String, Integer> depth, int guard) {
    Integer known = depth.get(name);
    if (known != null) {
      return known;
    }
    int d = 0;
    JsonNode step = byName.get(name);
    if (step != null && guard < byName.size()) {
      for (JsonNode dep : step.path("depends_on")) {
        d = Math.max(d, depthOf(dep.asString(), byName, depth, guard + 1) + 1);
      }
    }
    depth.put(name, d);
    return d;
  }

  static String needs(JsonNode step) {
    List<String> deps = new ArrayList<>();
    step.path("depends_on").forEach(d -> deps.add(d.asString()));
    if (deps.isEmpty()) {
      return "at the start";
    }
    JsonNode join = step.path("join");
    String list = String.join(", ", deps);
    if (deps.size() == 1 || join.isMissingNode() || "all".equals(join.asString(""))) {
      return "after " + list;
    }
    if ("any".equals(join.asString(""))) {
      return "after any of " + list;
    }
    return "after " + join.asString() + " of " + list;
  }

  /** One line on what a step does; an unknown kind lists its own fields. */
  static String summary(JsonNode s, JsonNode kind) {
    return switch (kind.asString("")) {
      case WorkflowDefinition.HTTP ->
          s.path("method").asString("GET") + " " + s.path("url").asString();
      case WorkflowDefinition.CONDITION ->
          "if "
              + s.path("expression").asString()
              + " then "
              + names(s.path("then"))
              + (s.path("else").isEmpty() ? "" : ", else " + names(s.path("else")));
      case WorkflowDefinition.SLEEP ->
          s.has("until")
              ? "sleep until " + s.path("until").asString()
              : "sleep " + s.path("duration").asString();
      case WorkflowDefinition.WAIT ->
          "wait for event "
              + s.path("event").asString()
              + (s.has("match") ? " where " + s.path("match").asString() : "")
              + (s.has("timeout") ? ", at most " + s.path("timeout").asString() : "");
      default -> fields(s);
    };
  }

  private static String names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asString()));
    return out.isEmpty() ? "nothing" : String.join(", ", out);
  }

  private static String fields(JsonNode s) {
    List<String> out = new ArrayList<>();
    for (var e : s.properties()) {
      if (!List.of("name", "kind", "depends_on", "join", "on_failure").contains(e.getKey())) {
        String v = e.getValue().isString() ? e.getValue().asString() : e.getValue().toString();
        out.add(e.getKey() + ": " + (v.length() > 80 ? v.substring(0, 79) + "…" : v));
      }
    }
    return String.join(" · ", out);
  }
}
