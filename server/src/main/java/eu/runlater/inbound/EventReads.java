package eu.runlater.inbound;

import eu.runlater.platform.errors.ApiProblem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads received requests back: one, or a page of them by source, status and time. */
@Component
class EventReads {
  private static final TypeReference<List<List<String>>> PAIRS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  EventReads(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** A list's filters; null fields do not filter. */
  record Filter(UUID sourceId, String status, Instant since, Instant until) {}

  EventView get(UUID organizationId, UUID id) {
    return jdbc.sql(InboundEventsQueries.EVENT_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(this::row)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("inbound event", id));
  }

  List<EventView> list(UUID organizationId, Filter f, UUID cursor, int limit) {
    return jdbc.sql(InboundEventsQueries.EVENT_LIST)
        .param("organization_id", organizationId)
        .param("cursor", cursor)
        .param("source_id", f.sourceId())
        .param("status", f.status())
        .param("since", f.since() == null ? null : Timestamp.from(f.since()))
        .param("until", f.until() == null ? null : Timestamp.from(f.until()))
        .param("limit", limit)
        .query(this::row)
        .list();
  }

  private EventView row(ResultSet rs, int n) throws SQLException {
    byte[] body = rs.getBytes("body");
    String text = body == null ? null : utf8(body);
    String verification = rs.getString("verification");
    return new EventView(
        rs.getObject("id", UUID.class),
        rs.getObject("source_id", UUID.class),
        rs.getString("source_name"),
        rs.getTimestamp("received_at").toInstant(),
        rs.getString("method"),
        rs.getString("path"),
        rs.getString("query"),
        json.readValue(rs.getString("headers"), PAIRS),
        body == null ? null : text != null ? text : Base64.getEncoder().encodeToString(body),
        body == null ? null : text != null ? "utf8" : "base64",
        rs.getLong("body_size"),
        rs.getString("source_ip"),
        rs.getString("status"),
        rs.getString("reason"),
        verification == null
            ? null
            : json.readValue(verification, InboundEvents.Verification.class),
        rs.getString("event_key"));
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
