package eu.runlater.inbound;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Connections' CEL expressions (never SpEL: they come from users and run on what strangers send): a
 * filter is a bool, a transformation a map of {@code body} and {@code headers}. Both see {@code
 * method}, {@code path}, {@code query} (name to first value), {@code headers} (lower-case name to
 * first value) and {@code body} (the JSON body as maps, lists and values; a body that is no JSON is
 * its text). Comprehensions and nesting are bounded, so no expression runs away. Compiled programs
 * are kept by their text.
 */
final class Expressions {
  static final int MAX_LENGTH = 4_000;
  private static final int MAX_PROGRAMS = 10_000;

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .setOptions(
              CelOptions.current()
                  .maxParseRecursionDepth(50)
                  .comprehensionMaxIterations(10_000)
                  .enableHeterogeneousNumericComparisons(true)
                  .build())
          .addVar("method", SimpleType.STRING)
          .addVar("path", SimpleType.STRING)
          .addVar("query", MapType.create(SimpleType.STRING, SimpleType.STRING))
          .addVar("headers", MapType.create(SimpleType.STRING, SimpleType.STRING))
          .addVar("body", SimpleType.DYN)
          .build();

  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private Expressions() {}

  /** Null when {@code expression} compiles; else what is wrong with it, for a 422. */
  static String check(String expression) {
    if (expression.length() > MAX_LENGTH) {
      return "must be at most " + MAX_LENGTH + " characters";
    }
    try {
      program(expression);
      return null;
    } catch (CelValidationException e) {
      return "is not a valid CEL expression: " + e.getMessage();
    } catch (CelEvaluationException e) {
      return "cannot be run: " + e.getMessage();
    }
  }

  /** An evaluation that failed: the expression's error, stored as the forward's reason. */
  static final class Failed extends Exception {
    Failed(String message) {
      super(message);
    }
  }

  static Object eval(String expression, Map<String, Object> vars) throws Failed {
    try {
      return program(expression).eval(vars);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new Failed(e.getMessage());
    }
  }

  private static CelRuntime.Program program(String expression)
      throws CelValidationException, CelEvaluationException {
    CelRuntime.Program program = PROGRAMS.get(expression);
    if (program != null) {
      return program;
    }
    CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
    program = CEL.createProgram(ast);
    if (PROGRAMS.size() >= MAX_PROGRAMS) {
      PROGRAMS.clear();
    }
    PROGRAMS.put(expression, program);
    return program;
  }

  /** A JSON value as CEL sees it: integers as Long, other numbers as Double. */
  static Object toCel(JsonNode node) {
    if (node == null || node.isNull()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (var member : node.properties()) {
        map.put(member.getKey(), toCel(member.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      for (JsonNode item : node) {
        list.add(toCel(item));
      }
      return list;
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    return node.asString();
  }

  /** A CEL value as JSON. */
  static JsonNode toJson(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (value) {
      case null -> f.nullNode();
      case Map<?, ?> map -> {
        var object = f.objectNode();
        map.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
        yield object;
      }
      case List<?> list -> {
        var array = f.arrayNode();
        list.forEach(v -> array.add(toJson(v)));
        yield array;
      }
      case Boolean b -> f.booleanNode(b);
      case Long l -> f.numberNode(l);
      case Integer i -> f.numberNode(i);
      case Double d -> f.numberNode(d);
      case String s -> f.stringNode(s);
      case com.google.common.primitives.UnsignedLong u -> f.numberNode(u.bigIntegerValue());
      default ->
          value instanceof dev.cel.common.values.NullValue
              ? f.nullNode()
              : f.stringNode(value.toString());
    };
  }
}
