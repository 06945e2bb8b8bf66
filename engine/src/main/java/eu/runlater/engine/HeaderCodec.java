package eu.runlater.engine;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Headers as JSON: an array of {@code [name, value]} pairs, which keeps their order and allows a
 * name twice (an object would do neither).
 */
public final class HeaderCodec {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HeaderCodec() {}

  public static String toJson(List<Header> headers) {
    ArrayNode array = JSON.createArrayNode();
    for (Header h : headers) {
      array.addArray().add(h.name()).add(h.value());
    }
    return JSON.writeValueAsString(array);
  }

  public static List<Header> fromJson(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    JsonNode array = JSON.readTree(json);
    List<Header> headers = new ArrayList<>(array.size());
    for (JsonNode pair : array) {
      headers.add(new Header(pair.get(0).asString(), pair.get(1).asString()));
    }
    return headers;
  }
}
