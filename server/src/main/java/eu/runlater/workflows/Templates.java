package eu.runlater.workflows;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {{ path }}} references in an http step's url, header values and body strings. A path is
 * {@code input.<field>…}, {@code steps.<name>.output.<field>…} or {@code run.id}, read from the
 * run's context ({@code {input, steps: {<name>: {output}}, run: {id}}}). A body string that is one
 * reference and nothing else takes the referenced JSON value itself (a number stays a number);
 * elsewhere a value is its text (strings unquoted, other values as JSON), a missing one empty.
 */
final class Templates {
  private static final Pattern REF =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_-]+)*)\\s*}}");
  private static final Pattern WHOLE =
      Pattern.compile("\\s*\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_-]+)*)\\s*}}\\s*");

  private Templates() {}

  /** Whether the text holds a template at all. */
  static boolean templated(String text) {
    return text != null && text.contains("{{");
  }

  /**
   * The references in the text, each a dotted path; throws IllegalArgumentException naming a
   * {@code {{} that opens no well-formed reference.
   */
  static List<String> refs(String text) {
    List<String> refs = new ArrayList<>();
    if (text == null) {
      return refs;
    }
    Matcher m = REF.matcher(text);
    int end = 0;
    while (m.find()) {
      if (text.substring(end, m.start()).contains("{{")) {
        throw new IllegalArgumentException(malformed(text, end));
      }
      refs.add(m.group(1));
      end = m.end();
    }
    if (text.substring(end).contains("{{")) {
      throw new IllegalArgumentException(malformed(text, end));
    }
    return refs;
  }

  /**
   * The steps whose outputs the texts read ({@code steps.<name>…}); null (every step) when a text
   * is malformed, so rendering it goes as it always has.
   */
  static java.util.Set<String> stepsRead(List<String> texts) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (String text : texts) {
      if (!templated(text)) {
        continue;
      }
      List<String> found;
      try {
        found = refs(text);
      } catch (IllegalArgumentException malformed) {
        return null;
      }
      for (String ref : found) {
        if (ref.equals("steps")) {
          return null;
        }
        if (ref.startsWith("steps.")) {
          int dot = ref.indexOf('.', 6);
          names.add(dot < 0 ? ref.substring(6) : ref.substring(6, dot));
        }
      }
    }
    return names;
  }

  /** Every string in a JSON body, for checking its references. */
  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    collect(node, out);
    return out;
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node == null) {
      return;
    }
    if (node.isString()) {
      out.add(node.asString());
    } else if (node.isContainer()) {
      for (var e : node.properties()) {
        out.add(e.getKey());
        collect(e.getValue(), out);
      }
      if (node.isArray()) {
        for (JsonNode item : node) {
          collect(item, out);
        }
      }
    }
  }

  private static String malformed(String text, int from) {
    int at = text.indexOf("{{", from);
    String near = text.substring(at, Math.min(text.length(), at + 40));
    return "has a malformed template at '"
        + near
        + "': write {{ input.field }} or {{ steps.<name>.output.field }}";
  }

  /** The text with every reference replaced by its value's text. */
  static String render(String text, JsonNode context) {
    if (!templated(text)) {
      return text;
    }
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(text(lookup(context, m.group(1)))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The body with its strings rendered; a string that is one reference becomes its value. */
  static JsonNode render(JsonNode body, JsonNode context) {
    if (body == null) {
      return null;
    }
    if (body.isString()) {
      String s = body.asString();
      Matcher whole = WHOLE.matcher(s);
      if (whole.matches()) {
        JsonNode v = lookup(context, whole.group(1));
        return v == null ? JsonNodeFactory.instance.nullNode() : v;
      }
      return JsonNodeFactory.instance.stringNode(render(s, context));
    }
    if (body.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (var e : body.properties()) {
        out.set(render(e.getKey(), context), render(e.getValue(), context));
      }
      return out;
    }
    if (body.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode item : body) {
        out.add(render(item, context));
      }
      return out;
    }
    return body;
  }

  static JsonNode lookup(JsonNode context, String path) {
    JsonNode node = context;
    for (String part : path.split("\\.")) {
      if (node == null) {
        return null;
      }
      if (node.isArray() && part.chars().allMatch(Character::isDigit)) {
        node = node.get(Integer.parseInt(part));
      } else {
        node = node.get(part);
      }
    }
    return node == null || node.isMissingNode() ? null : node;
  }

  private static String text(JsonNode v) {
    if (v == null || v.isNull()) {
      return "";
    }
    return v.isString() ? v.asString() : v.toString();
  }
}
