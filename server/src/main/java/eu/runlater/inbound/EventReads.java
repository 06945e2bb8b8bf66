package eu.runlater.inbound;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.queues.QueueMessages;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private final QueueMessages queues;

  EventReads(JdbcClient jdbc, JsonMapper json, QueueMessages queues) {
    this.jdbc = jdbc;
    this.json = json;
    this.queues = queues;
  }

  /** A list's filters; null fields do not filter. */
  record Filter(UUID sourceId, String status, Instant since, Instant until, String q) {
    JdbcClient.StatementSpec bind(JdbcClient.StatementSpec sql, UUID organizationId) {
      return sql.param("organization_id", organizationId)
          .param("source_id", sourceId)
          .param("status", status)
          .param("since", since == null ? null : Timestamp.from(since))
          .param("until", until == null ? null : Timestamp.from(until))
          .param("q", q);
    }
  }

  /** One request with its forwards and their attempts. */
  EventView get(UUID organizationId, UUID id) {
    EventView event =
        jdbc.sql(InboundEventsQueries.EVENT_GET)
            .param("organization_id", organizationId)
            .param("id", id)
            .query(this::row)
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("inbound event", id));
    return event.withForwards(forwards(organizationId, id));
  }

  private List<EventView.ForwardView> forwards(UUID organizationId, UUID eventId) {
    record Row(
        UUID id,
        UUID connectionId,
        String name,
        String url,
        String state,
        String detail,
        Instant createdAt,
        Instant queuedAt) {}
    List<Row> rows =
        jdbc.sql(ConnectionsQueries.FORWARDS_OF_EVENT)
            .param("organization_id", organizationId)
            .param("event_id", eventId)
            .query(
                (rs, n) ->
                    new Row(
                        rs.getObject("id", UUID.class),
                        rs.getObject("connection_id", UUID.class),
                        rs.getString("connection_name"),
                        rs.getString("destination_url"),
                        rs.getString("state"),
                        rs.getString("detail"),
                        rs.getTimestamp("created_at").toInstant(),
                        instant(rs.getTimestamp("queued_at"))))
            .list();
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<EventView.AttemptView>> attempts = new HashMap<>();
    jdbc.sql(ConnectionsQueries.FORWARD_ATTEMPTS)
        .param("organization_id", organizationId)
        .param("forward_ids", rows.stream().map(Row::id).toList())
        .query(
            (rs, n) -> {
              attempts
                  .computeIfAbsent(rs.getObject("source_id", UUID.class), k -> new ArrayList<>())
                  .add(
                      new EventView.AttemptView(
                          rs.getObject("id", UUID.class),
                          rs.getInt("attempt"),
                          rs.getString("status"),
                          (Integer) rs.getObject("status_code"),
                          instant(rs.getTimestamp("started_at")),
                          instant(rs.getTimestamp("finished_at")),
                          rs.getString("error")));
              return null;
            })
        .list();
    // A limited connection's forwards are its queue's messages, with the forwards' ids.
    Map<UUID, String> queueStates =
        queues.states(organizationId, rows.stream().map(Row::id).toList());
    return rows.stream()
        .map(
            r ->
                new EventView.ForwardView(
                    r.id(),
                    r.connectionId(),
                    r.name(),
                    r.url(),
                    r.state(),
                    r.detail(),
                    r.createdAt(),
                    r.queuedAt(),
                    queueStates.get(r.id()),
                    attempts.getOrDefault(r.id(), List.of())))
        .toList();
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  List<EventView> list(UUID organizationId, Filter f, UUID cursor, int limit) {
    return f.bind(jdbc.sql(InboundEventsQueries.EVENT_LIST), organizationId)
        .param("cursor", cursor)
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
        rs.getString("event_key"),
        null);
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
