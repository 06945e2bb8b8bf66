package eu.runlater.workflows;

import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The condition steps' CEL: {@code input} (the run's input), {@code steps} (a map from each
 * finished step's name to {@code {state, output}}) and {@code now} (a timestamp), giving a bool.
 * User input, so never SpEL: CEL has no side effects, and the limits below bound what one
 * expression may cost (comprehension iterations, nesting).
 *
 * <p>JSON numbers reach CEL as {@code int} (Java {@code Long}) when integral and {@code double}
 * otherwise; a missing key is an error at evaluation (guard it with {@code has()}).
 */
@Component
class Conditions {
  static final int MAX_EXPRESSION = 4_096;
  private static final int MAX_CACHED = 2_048;

  private final Cel cel = cel(false);
  // A wait_for_event step's match sees the event's payload too.
  private final Cel eventCel = cel(true);
  // A trigger's match sees the event's payload and now only: no run exists yet.
  private final Cel triggerCel = celBuilder().addVar("event", SimpleType.DYN).build();

  private static Cel cel(boolean withEvent) {
    var builder =
        celBuilder()
            .addVar("input", SimpleType.DYN)
            .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN));
    if (withEvent) {
      builder.addVar("event", SimpleType.DYN);
    }
    return builder.build();
  }

  private static dev.cel.bundle.CelBuilder celBuilder() {
    var builder =
        CelFactory.standardCelBuilder()
            .setOptions(
                CelOptions.current()
                    .comprehensionMaxIterations(10_000)
                    .maxParseRecursionDepth(100)
                    .build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("now", SimpleType.TIMESTAMP)
            .setResultType(SimpleType.BOOL);
    return builder;
  }

  // Definitions are immutable and few; programs are made once per expression text.
  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** Why the expression cannot be a condition (syntax, types, not a bool), or null if it can. */
  String check(String expression) {
    return check(expression, false);
  }

  /** The same for a wait_for_event step's match, which may read {@code event} too. */
  String check(String expression, boolean withEvent) {
    if (expression.length() > MAX_EXPRESSION) {
      return "must be at most " + MAX_EXPRESSION + " characters";
    }
    CelValidationResult result = (withEvent ? eventCel : cel).compile(expression);
    if (result.hasError()) {
      return "is not a valid CEL condition: " + result.getErrorString().strip();
    }
    return null;
  }

  /** The same for a trigger's match, which reads {@code event} (the payload) and {@code now}. */
  String checkTrigger(String expression) {
    if (expression.length() > MAX_EXPRESSION) {
      return "must be at most " + MAX_EXPRESSION + " characters";
    }
    CelValidationResult result = triggerCel.compile(expression);
    if (result.hasError()) {
      return "is not a valid CEL condition over event and now: " + result.getErrorString().strip();
    }
    return null;
  }

  /** A trigger's match for an event's payload; throws with a message when evaluation fails. */
  boolean evaluateTrigger(String expression, JsonNode payload, Instant now)
      throws CelEvaluationException {
    CelRuntime.Program program = program("trigger:", triggerCel, expression);
    Object result =
        program.eval(
            Map.of(
                "event",
                value(payload),
                "now",
                Timestamp.newBuilder()
                    .setSeconds(now.getEpochSecond())
                    .setNanos(now.getNano())
                    .build()));
    if (!(result instanceof Boolean b)) {
      throw new IllegalArgumentException("the expression gave " + result + ", not a bool");
    }
    return b;
  }

  /** The condition's value for this run; throws with a message when evaluation fails. */
  boolean evaluate(String expression, JsonNode input, Map<String, Object> steps, Instant now)
      throws CelEvaluationException {
    return evaluate(expression, input, steps, now, null);
  }

  /** A match's value for an event's payload ({@code event} is the payload). */
  boolean evaluate(
      String expression, JsonNode input, Map<String, Object> steps, Instant now, JsonNode event)
      throws CelEvaluationException {
    CelRuntime.Program program = program(expression, event != null);
    Map<String, Object> vars = new LinkedHashMap<>();
    if (event != null) {
      vars.put("event", value(event));
    }
    vars.put("input", value(input));
    vars.put("steps", steps);
    vars.put(
        "now",
        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build());
    Object result = program.eval(vars);
    if (!(result instanceof Boolean b)) {
      // Fields of input, steps and event are dyn: only the run tells what they hold.
      throw new IllegalArgumentException("the expression gave " + result + ", not a bool");
    }
    return b;
  }

  private CelRuntime.Program program(String expression, boolean withEvent)
      throws CelEvaluationException {
    return program(withEvent ? "event:" : "condition:", withEvent ? eventCel : cel, expression);
  }

  private CelRuntime.Program program(String kind, Cel env, String expression)
      throws CelEvaluationException {
    String id = kind + expression;
    CelRuntime.Program cached = programs.get(id);
    if (cached != null) {
      return cached;
    }
    CelRuntime.Program program;
    try {
      program = env.createProgram(env.compile(expression).getAst());
    } catch (CelValidationException e) {
      throw new IllegalStateException("a stored condition no longer compiles: " + expression, e);
    }
    if (programs.size() >= MAX_CACHED) {
      programs.clear();
    }
    programs.put(id, program);
    return program;
  }

  /** A JSON value as CEL wants it: maps, lists, Long, Double, String, Boolean, null. */
  static Object value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (var e : node.properties()) {
        map.put(e.getKey(), value(e.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        list.add(value(item));
      }
      return list;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asString();
  }
}
