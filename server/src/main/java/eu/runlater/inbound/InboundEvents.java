package eu.runlater.inbound;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes received requests. Each write commits before the request is answered (the caller answers
 * only after {@link #store} returns), so an acknowledged request is never lost.
 */
@Component
class InboundEvents {
  static final Duration DEDUP_WINDOW = Duration.ofHours(24);
  static final String HIDDEN = "(hidden)";

  static final String ACCEPTED = "accepted";
  static final String DUPLICATE = "duplicate";
  static final String REJECTED = "rejected";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Forwards forwards;

  InboundEvents(JdbcClient jdbc, JsonMapper json, Forwards forwards) {
    this.jdbc = jdbc;
    this.json = json;
    this.forwards = forwards;
  }

  /** The verification as stored with the request. */
  record Verification(String type, boolean verified, String detail) {}

  /**
   * Stores one request and answers its status: {@code status} as given, or {@link #DUPLICATE} when
   * {@code eventKey} was claimed by another of the source's requests within 24 h. An accepted
   * request that is to be {@code forwarded} gets its forwards in the same transaction.
   */
  @Transactional
  String store(
      UUID id,
      Source source,
      Received r,
      String status,
      String reason,
      Verification verification,
      String eventKey,
      boolean forwarded) {
    String stored = status;
    String why = reason;
    if (eventKey != null && ACCEPTED.equals(status)) {
      boolean claimed =
          jdbc.sql(InboundEventsQueries.DEDUP_CLAIM)
              .param("source_id", source.id())
              .param("event_key", eventKey)
              .param("event_id", id)
              .param("expires_at", Timestamp.from(r.at().plus(DEDUP_WINDOW)))
              .param("now", Timestamp.from(r.at()))
              .query(UUID.class)
              .optional()
              .isPresent();
      if (!claimed) {
        stored = DUPLICATE;
        why = "event id '" + eventKey + "' was received within the last 24 h";
      }
    }
    jdbc.sql(InboundEventsQueries.EVENT_INSERT)
        .param("id", id)
        .param("organization_id", source.organizationId())
        .param("source_id", source.id())
        .param("received_at", Timestamp.from(r.at()))
        .param("method", r.method())
        .param("path", r.path())
        .param("query", r.query())
        .param("headers", headersJson(r.headers(), source.verification().credentialHeader()))
        .param("body", r.body())
        .param("body_size", r.bodySize())
        .param("source_ip", r.sourceIp())
        .param("status", stored)
        .param("reason", why)
        .param("verification", verification == null ? null : json.writeValueAsString(verification))
        .param("event_key", eventKey)
        .update();
    if (forwarded && ACCEPTED.equals(stored)) {
      forwards.plan(
          source,
          new Forwards.Request(id, r.method(), r.path(), r.query(), r.headers(), r.body()),
          r.at());
    }
    return stored;
  }

  /** The headers as stored: [[name, value], …], a credential's value hidden. */
  private String headersJson(List<Map.Entry<String, String>> headers, String credential) {
    List<List<String>> pairs = new ArrayList<>(headers.size());
    for (Map.Entry<String, String> h : headers) {
      boolean hide = credential != null && credential.equals(h.getKey().toLowerCase(Locale.ROOT));
      pairs.add(List.of(h.getKey(), hide ? HIDDEN : h.getValue()));
    }
    return json.writeValueAsString(pairs);
  }
}
