package eu.runlater.workflows;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.executions.Execution;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A run drawn as a waterfall: one row per step, in definition order, with a bar from its start to
 * its end (or to now while it runs) on one time axis that spans the run, from its creation to its
 * end (or now). A sleep or a wait for an event shows as a wait with the time it is due to wake; a
 * skipped step as a mark where it was skipped, with the reason. Each row carries what its expanded
 * view shows: the step as defined and the request as sent (secrets masked as the API masks them),
 * its output, the condition's decision, and its attempts.
 *
 * @param spanMs the axis' length; {@code ticks} are offsets on it, in milliseconds
 */
record RunWaterfall(Instant from, long spanMs, List<Long> ticks, List<Row> rows) {

  /**
   * One step's row.
   *
   * @param shown the state in the dashboard's words: {@code waiting} for a sleep or event wait
   * @param left where its bar starts, in percent of the axis; null: no bar (it never started)
   * @param width its bar's length in percent (at least a sliver, so an instant step shows)
   * @param dueAt a waiting step's wake time (sleep) or timeout (event); a running http step's next
   *     attempt
   * @param waitingFor the event a waiting step waits for
   * @param spec the step as defined (secret headers masked), indented JSON
   * @param sent the request its last attempt sent, or null
   * @param output indented JSON, or null
   * @param decision a condition's decision or a skip's reason, as label and value
   */
  record Row(
      RunView.StepView step,
      String shown,
      Double left,
      Double width,
      Instant dueAt,
      String waitingFor,
      String spec,
      Sent sent,
      String output,
      List<Fact> decision) {

    public boolean waits() {
      return "waiting".equals(shown);
    }
  }

  record Sent(String method, String url, List<Header> headers, String body) {}

  record Fact(String label, String value) {}

  private static final List<String> INNER = List.of("name", "kind", "depends_on");

  /**
   * Draws {@code run}.
   *
   * @param definition the run's version of its definition, as the API shows it (masked)
   * @param due each running step's task due time
   * @param waitingFor each waiting step's event
   * @param executions an execution of this organization by id, with its request
   */
  static RunWaterfall of(
      RunView run,
      JsonNode definition,
      Map<String, Instant> due,
      Map<String, String> waitingFor,
      Function<UUID, Optional<Execution>> executions,
      SecretBox secrets,
      JsonMapper json,
      Instant now) {
    Instant from = run.createdAt();
    Instant to = run.finishedAt() != null ? run.finishedAt() : now;
    for (RunView.StepView s : run.steps()) {
      if (s.finishedAt() != null && s.finishedAt().isAfter(to)) {
        to = s.finishedAt();
      }
    }
    long span = Math.max(1, Duration.between(from, to).toMillis());
    Map<String, JsonNode> specs = new HashMap<>();
    for (JsonNode s : definition.path("steps")) {
      specs.put(s.path("name").asString(), s);
    }
    List<Row> rows = new ArrayList<>();
    for (RunView.StepView s : run.steps()) {
      boolean running = RunAdvancer.RUNNING.equals(s.state());
      boolean waits =
          running
              && (WorkflowDefinition.SLEEP.equals(s.kind())
                  || WorkflowDefinition.WAIT.equals(s.kind())
                  || waitingFor.containsKey(s.name()));
      Double left = null;
      Double width = null;
      Instant start = s.startedAt() != null ? s.startedAt() : s.finishedAt();
      if (start != null) {
        Instant end = s.finishedAt() != null ? s.finishedAt() : to;
        left = clamp(100.0 * Duration.between(from, start).toMillis() / span);
        width = Math.max(0.6, clamp(100.0 * Duration.between(start, end).toMillis() / span));
        width = Math.min(width, 100.0 - Math.min(left, 99.4));
      }
      rows.add(
          new Row(
              s,
              waits ? "waiting" : s.state(),
              left,
              width,
              dueAt(running, waits, due.get(s.name()), now),
              waitingFor.get(s.name()),
              spec(specs.get(s.name()), json),
              s.executionId() == null
                  ? null
                  : executions.apply(s.executionId()).map(e -> sent(e, secrets, json)).orElse(null),
              s.output() == null ? null : pretty(s.output(), json),
              facts(s.decision())));
    }
    List<Long> ticks = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      ticks.add(span * i / 4);
    }
    return new RunWaterfall(from, span, ticks, rows);
  }

  /**
   * A waiting step's wake time or timeout; a running http step's next attempt only while it is
   * ahead (a task due in the past is in flight, not waiting).
   */
  private static Instant dueAt(boolean running, boolean waits, Instant due, Instant now) {
    if (!running || due == null) {
      return null;
    }
    return waits || due.isAfter(now) ? due : null;
  }

  private static double clamp(double percent) {
    return Math.max(0, Math.min(100, percent));
  }

  private static String spec(JsonNode step, JsonMapper json) {
    if (step == null) {
      return null;
    }
    ObjectNode copy = (ObjectNode) step.deepCopy();
    INNER.forEach(copy::remove);
    return copy.isEmpty() ? null : pretty(copy, json);
  }

  /** The request as sent, masked as an execution's page masks it; null for an internal timer. */
  private static Sent sent(Execution e, SecretBox secrets, JsonMapper json) {
    Execution.Request r = e.request();
    if (r == null || r.url().startsWith(WorkflowTransport.SCHEME + ":")) {
      return null;
    }
    List<Header> headers =
        SealedRequests.maskedHeaders(secrets, r.headers(), r.sealedHeaders()).stream()
            .map(
                h ->
                    SealedRequests.maskedWhenShown(h.name())
                        ? new Header(h.name(), SealedRequests.MASK)
                        : h)
            .toList();
    String body = null;
    if (r.bodySealed()) {
      body = SealedRequests.MASK;
    } else if (r.body() != null) {
      String text = new String(r.body(), StandardCharsets.UTF_8);
      try {
        body = pretty(json.readTree(text), json);
      } catch (JacksonException notJson) {
        body = text;
      }
    }
    return new Sent(r.method(), r.url(), headers, body);
  }

  private static String pretty(JsonNode node, JsonMapper json) {
    return node.isString()
        ? node.asString()
        : json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }

  /** "approved by alice@example.com through API key ci-bot: fine (at …)". */
  private static String entry(JsonNode h) {
    StringBuilder s = new StringBuilder(h.path("what").asString(""));
    if (h.hasNonNull("by")) {
      s.append(" by ").append(h.get("by").asString());
    }
    if (h.hasNonNull("via")) {
      s.append(" through ").append(via(h.get("via")));
    }
    if (h.hasNonNull("to")) {
      s.append(" to ").append(h.get("to").isString() ? h.get("to").asString() : h.get("to"));
    }
    if (h.hasNonNull("outcome")) {
      s.append(" (").append(h.get("outcome").asString()).append(')');
    }
    if (h.hasNonNull("comment")) {
      s.append(": ").append(h.get("comment").asString());
    }
    if (h.hasNonNull("at")) {
      s.append(" at ").append(h.get("at").asString());
    }
    return s.toString();
  }

  private static String via(JsonNode v) {
    return "API key "
        + v.path("api_key_name").asString("")
        + " ("
        + v.path("api_key_id").asString("")
        + ")";
  }

  private static List<Fact> facts(JsonNode decision) {
    List<Fact> out = new ArrayList<>();
    if (decision == null || !decision.isObject()) {
      return out;
    }
    for (var e : decision.properties()) {
      String label =
          switch (e.getKey()) {
            case "expression" -> "Expression";
            case "result" -> "Result";
            case "chosen" -> "Chose";
            case "not_chosen" -> "Not chosen";
            case "reason" -> "Skipped because";
            case "error" -> "Error";
            case "decided_by" -> "Decided by";
            case "decided_via" -> "Through";
            default -> e.getKey().replace('_', ' ');
          };
      JsonNode v = e.getValue();
      String value;
      if (e.getKey().equals("history") && v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(i -> items.add(entry(i)));
        value = items.isEmpty() ? "nothing yet" : String.join("; ", items);
      } else if (e.getKey().equals("decided_via")) {
        value = via(v);
      } else if (v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(i -> items.add(i.isString() ? i.asString() : i.toString()));
        value = items.isEmpty() ? "nothing" : String.join(", ", items);
      } else {
        value = v.isString() ? v.asString() : v.toString();
      }
      out.add(new Fact(label, value));
    }
    return out;
  }
}
