package eu.runlater.queues;

import eu.runlater.engine.Header;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A named set of endpoints; a message published to it goes to each of them. */
record Topic(
    UUID id,
    UUID organizationId,
    String name,
    List<Endpoint> endpoints,
    Instant createdAt,
    Instant updatedAt) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * One endpoint: its URL and the headers it gets on every message.
   *
   * @param sealedHeaders the headers that carry credentials, sealed together (or null)
   */
  record Endpoint(String url, List<Header> headers, byte[] sealedHeaders) {}

  static Topic map(ResultSet rs) throws SQLException {
    List<Endpoint> endpoints = new ArrayList<>();
    for (JsonNode e : JSON.readTree(rs.getString("endpoints"))) {
      JsonNode sealed = e.get("sealed");
      endpoints.add(
          new Endpoint(
              e.get("url").asString(),
              HeaderCodec.fromJson(e.get("headers").toString()),
              sealed == null || sealed.isNull()
                  ? null
                  : Base64.getMimeDecoder().decode(sealed.asString())));
    }
    return new Topic(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("name"),
        endpoints,
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"));
  }
}
