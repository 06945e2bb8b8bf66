package eu.runlater.platform.errors;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.deser.jackson.BaseNodeDeserializer;
import tools.jackson.databind.deser.jackson.JsonNodeDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * PostgreSQL's {@code text} and {@code jsonb} cannot hold the NUL character (U+0000): an insert
 * holding one fails (SQLSTATE 22021, or 22P05 for jsonb). A JSON request body is refused with a 422
 * naming the field as it is read ({@link #module()}, on the API's request bodies only), so no
 * endpoint has to remember the check; what slips through anyway reaches the problem handler as
 * {@link #refusedByDatabase a database error} and is a 422 too, never a 500.
 */
public final class NulCharacters {
  /** A field error's message for a value holding a NUL character. */
  public static final String MESSAGE =
      "must not contain the NUL character (\\u0000): PostgreSQL cannot store it";

  private NulCharacters() {}

  /**
   * Where the first NUL character of {@code value} is, in a string or a member name: the path from
   * {@code value} (member names and array indexes, empty for {@code value} itself), or null when it
   * holds none.
   */
  public static List<Object> find(JsonNode value) {
    if (value.isString()) {
      return value.asString().indexOf(0) >= 0 ? new ArrayList<>() : null;
    }
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> member : value.properties()) {
        List<Object> at =
            member.getKey().indexOf(0) >= 0 ? new ArrayList<>() : find(member.getValue());
        if (at != null) {
          at.addFirst(member.getKey());
          return at;
        }
      }
    }
    for (int i = 0; value.isArray() && i < value.size(); i++) {
      List<Object> at = find(value.get(i));
      if (at != null) {
        at.addFirst(i);
        return at;
      }
    }
    return null;
  }

  /**
   * 422 naming the field of {@code value} that holds a NUL character, as {@code field} followed by
   * the path within it.
   */
  public static void refuse(JsonNode value, String field) {
    List<Object> at = find(value);
    if (at != null) {
      at.addFirst(field);
      throw ApiProblem.invalid(
          at.stream()
              .map(String::valueOf)
              .filter(s -> !s.isEmpty())
              .collect(Collectors.joining(".")),
          MESSAGE);
    }
  }

  /**
   * Reading a JSON request body: a string, a member name or a tree (a {@link JsonNode} field or
   * body) holding a NUL character fails the read with {@link Refused}, its path being the field's.
   */
  static JacksonModule module() {
    return new SimpleModule("nul-characters")
        .addDeserializer(String.class, new Strings())
        .addKeyDeserializer(String.class, new Keys())
        .addDeserializer(JsonNode.class, new Trees());
  }

  /**
   * Whether {@code error} (or a cause of it) is PostgreSQL refusing a character it cannot store:
   * 22021 (character_not_in_repertoire: a NUL in text) or 22P05 (untranslatable_character: an
   * escaped NUL in jsonb).
   */
  static boolean refusedByDatabase(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      // A batch names its failed statement's cause as the next exception.
      if (t instanceof SQLException sql
          && (unstorable(sql) || unstorable(sql.getNextException()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean unstorable(SQLException sql) {
    return sql != null && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()));
  }

  /** A JSON request body's read failed on a NUL character; its path names the field. */
  static final class Refused extends DatabindException {
    Refused(JsonParser p) {
      super(p, "a value holds the NUL character (\\u0000)");
    }
  }

  /**
   * Reads a JSON value as it is, NUL characters included: for a field stored as bytes (the body of
   * an outgoing request), where a NUL is data.
   */
  public static final class Accepted extends JsonNodeDeserializer {
    public Accepted() {
      super();
    }
  }

  private static final class Strings extends StringDeserializer {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
      String value = super.deserialize(p, ctxt);
      if (value != null && value.indexOf(0) >= 0) {
        throw new Refused(p);
      }
      return value;
    }
  }

  private static final class Keys extends KeyDeserializer {
    @Override
    public Object deserializeKey(String key, DeserializationContext ctxt) {
      if (key.indexOf(0) >= 0) {
        throw new Refused(ctxt.getParser());
      }
      return key;
    }
  }

  private static final class Trees extends JsonNodeDeserializer {
    Trees() {
      super();
    }

    private Trees(Trees base, boolean mergeArrays, boolean mergeObjects) {
      super(base, mergeArrays, mergeObjects);
    }

    @Override
    protected BaseNodeDeserializer<?> _createWithMerge(boolean mergeArrays, boolean mergeObjects) {
      return new Trees(this, mergeArrays, mergeObjects);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) {
      JsonNode value = super.deserialize(p, ctxt);
      List<Object> at = find(value);
      if (at == null) {
        return value;
      }
      Refused refused = new Refused(p);
      for (Object step : at.reversed()) {
        if (step instanceof Integer index) {
          refused.prependPath(value, index);
        } else {
          refused.prependPath(value, (String) step);
        }
      }
      throw refused;
    }
  }
}
