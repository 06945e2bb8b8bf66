package eu.runlater.platform.api;

import eu.runlater.platform.errors.ApiProblem;
import java.util.Map;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** RFC 7396 JSON Merge Patch: objects merge member by member, {@code null} removes. */
public final class JsonMergePatch {
  private JsonMergePatch() {}

  /**
   * A PATCH request's body applied to {@code target} and read as {@code type}: 400 when the body is
   * no JSON object, 422 naming {@code what} when the result does not read as one.
   */
  public static <T> T applyAs(
      JsonNode target, JsonNode patch, JsonMapper json, Class<T> type, String what) {
    if (patch == null || !patch.isObject()) {
      throw new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "malformed-request",
          "Malformed request",
          "A PATCH body is a JSON object of the fields to change.");
    }
    try {
      return json.treeToValue(apply(target, patch), type);
    } catch (JacksonException e) {
      throw ApiProblem.invalid("body", "does not describe " + what + ": " + e.getOriginalMessage());
    }
  }

  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      if (member.getValue().isNull()) {
        result.remove(member.getKey());
      } else {
        result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }
}
