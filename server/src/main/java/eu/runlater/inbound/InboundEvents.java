package eu.runlater.inbound;

import eu.runlater.platform.database.GroupCommit;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes received requests. Each write commits before the request is answered (the caller answers
 * only after {@link #store} returns), so an acknowledged request is never lost.
 *
 * <p>Requests arriving together share a transaction and its commit ({@link GroupCommit}): a batch
 * claims its event ids, inserts its requests and plans their forwards with one statement each. A
 * batch that fails is written again request by request, so a bad request fails only itself.
 */
@Component
class InboundEvents {
  static final Duration DEDUP_WINDOW = Duration.ofHours(24);
  static final String HIDDEN = "(hidden)";

  static final String ACCEPTED = "accepted";
  static final String DUPLICATE = "duplicate";
  static final String REJECTED = "rejected";

  /** Not stored: the request's source changed or went after it was verified ({@link Stale}). */
  private static final String STALE = "stale";

  /**
   * The group commit's bounds: up to 128 requests a transaction, two transactions at a time (one
   * collects while the other commits), 2,048 waiting; more are answered 503 and stored nowhere.
   */
  static final GroupCommit.Settings GROUP_COMMIT = new GroupCommit.Settings(128, 2048, 2);

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Forwards forwards;
  private final GroupCommit<Write, String> writes;

  InboundEvents(
      JdbcClient jdbc,
      JsonMapper json,
      Forwards forwards,
      PlatformTransactionManager transactions,
      MeterRegistry meters) {
    this.jdbc = jdbc;
    this.json = json;
    this.forwards = forwards;
    this.writes =
        new GroupCommit<>(
            "inbound",
            new TransactionTemplate(transactions),
            this::storeAll,
            this::storeOne,
            GROUP_COMMIT,
            meters);
  }

  /**
   * The request was not stored: its source changed (or was deleted) after the copy it was verified
   * with was read. Handle it again with the source as it is now.
   */
  static final class Stale extends RuntimeException {
    Stale() {
      super("the source changed after the request was verified: not stored", null, false, false);
    }
  }

  /** The verification as stored with the request. */
  record Verification(String type, boolean verified, String detail) {}

  /** One request to store, its JSON columns written by the caller's thread. */
  record Write(
      UUID id,
      Source source,
      Received r,
      String status,
      String reason,
      String verification,
      String headers,
      String eventKey,
      boolean forwarded) {
    boolean claims() {
      return eventKey != null && ACCEPTED.equals(status);
    }

    /** The event id as dedup compares it: its exact UTF-8 bytes (a NUL included). */
    byte[] dedupKey() {
      return eventKey.getBytes(StandardCharsets.UTF_8);
    }

    boolean plans(String stored) {
      return forwarded && ACCEPTED.equals(stored);
    }
  }

  /**
   * Stores one request (with others arriving at the same time) and answers its status once it
   * committed: {@code status} as given, or {@link #DUPLICATE} when {@code eventKey} was claimed by
   * another of the source's requests within 24 h. An accepted request that is to be {@code
   * forwarded} gets its forwards in the same transaction. Throws {@link GroupCommit.Full} when too
   * many requests wait to be stored: this one was not; {@link Stale} when {@code source} (its
   * {@link Source#version}) is no longer the stored one: this one was not stored either.
   */
  String store(
      UUID id,
      Source source,
      Received r,
      String status,
      String reason,
      Verification verification,
      String eventKey,
      boolean forwarded) {
    String stored =
        writes.submit(
            new Write(
                id,
                source,
                r,
                status,
                reason,
                verification == null ? null : json.writeValueAsString(verification),
                headersJson(r.headers(), source.verification().credentialHeader()),
                eventKey,
                forwarded));
    if (STALE.equals(stored)) {
      throw new Stale();
    }
    return stored;
  }

  @PreDestroy
  void close() {
    writes.close();
  }

  /** One request alone, in the group commit's transaction (a failed batch's requests, one each). */
  private String storeOne(Write w) {
    if (current(List.of(w)).isEmpty()) {
      return STALE;
    }
    String stored = w.status();
    String why = w.reason();
    if (w.claims()) {
      boolean claimed =
          jdbc.sql(InboundEventsQueries.DEDUP_CLAIM)
              .param("source_id", w.source().id())
              .param("event_key", w.dedupKey())
              .param("event_id", w.id())
              .param("expires_at", Timestamp.from(w.r().at().plus(DEDUP_WINDOW)))
              .param("now", Timestamp.from(w.r().at()))
              .query(UUID.class)
              .optional()
              .isPresent();
      if (!claimed) {
        stored = DUPLICATE;
        why = duplicate(w.eventKey());
      }
    }
    insert(List.of(w), List.of(stored), Arrays.asList(why));
    if (w.plans(stored)) {
      forwards.plan(w.source(), request(w), w.r().at());
    }
    return stored;
  }

  /**
   * A batch in the group commit's transaction, set-based: its event ids claimed in one statement (a
   * second request with the same id in the batch is a duplicate of the first, as it would be in the
   * next transaction), its requests inserted in one, its forwards planned together.
   */
  private List<String> storeAll(List<Write> batch) {
    if (batch.size() == 1) {
      return List.of(storeOne(batch.getFirst()));
    }
    Set<UUID> current = current(batch);
    List<Write> kept = new ArrayList<>(batch.size());
    for (Write w : batch) {
      if (current.contains(w.id())) {
        kept.add(w);
      }
    }
    if (kept.size() == batch.size()) {
      return storeCurrent(batch);
    }
    List<String> stored = new ArrayList<>(batch.size());
    var results = kept.isEmpty() ? List.<String>of().iterator() : storeCurrent(kept).iterator();
    for (Write w : batch) {
      stored.add(current.contains(w.id()) ? results.next() : STALE);
    }
    return stored;
  }

  /**
   * The requests of {@code batch} whose sources still have the version they were verified with;
   * their sources share-locked until the batch commits (a change of them waits for it).
   */
  private Set<UUID> current(List<Write> batch) {
    Object[] ids = batch.stream().map(w -> w.source().id()).distinct().toArray();
    Map<UUID, Long> versions = new HashMap<>();
    jdbc.sql(SourcesQueries.SOURCE_FENCE)
        .param("ids", new SqlArrayValue("uuid", ids))
        .query(
            (org.springframework.jdbc.core.RowCallbackHandler)
                rs -> versions.put(rs.getObject("id", UUID.class), rs.getLong("version")));
    Set<UUID> current = new HashSet<>();
    for (Write w : batch) {
      Long version = versions.get(w.source().id());
      if (version != null && version == w.source().version()) {
        current.add(w.id());
      }
    }
    return current;
  }

  /** {@link #storeAll} for requests whose sources are current. */
  private List<String> storeCurrent(List<Write> batch) {
    List<String> stored = new ArrayList<>(batch.size());
    List<String> reasons = new ArrayList<>(batch.size());
    Set<String> seen = new HashSet<>();
    List<Write> claiming = new ArrayList<>();
    for (Write w : batch) {
      stored.add(w.status());
      reasons.add(w.reason());
      if (w.claims() && seen.add(w.source().id() + "\n" + w.eventKey())) {
        claiming.add(w);
      }
    }
    Set<UUID> claimed = claim(claiming);
    List<Forwards.Planned> planned = new ArrayList<>();
    Instant now = Instant.EPOCH;
    for (int i = 0; i < batch.size(); i++) {
      Write w = batch.get(i);
      if (w.claims() && !claimed.contains(w.id())) {
        stored.set(i, DUPLICATE);
        reasons.set(i, duplicate(w.eventKey()));
      }
      if (w.plans(stored.get(i))) {
        planned.add(new Forwards.Planned(w.source(), request(w), w.r().at()));
      }
      if (w.r().at().isAfter(now)) {
        now = w.r().at();
      }
    }
    insert(batch, stored, reasons);
    forwards.planAll(planned, now);
    return stored;
  }

  /** Claims the event ids of {@code claiming} (each (source, key) once); returns who claimed. */
  private Set<UUID> claim(List<Write> claiming) {
    if (claiming.isEmpty()) {
      return Set.of();
    }
    List<Write> ordered = new ArrayList<>(claiming);
    ordered.sort(Comparator.comparing((Write w) -> w.source().id()).thenComparing(Write::eventKey));
    int n = ordered.size();
    Object[] sourceIds = new Object[n];
    byte[][] keys = new byte[n][];
    Object[] eventIds = new Object[n];
    Object[] expires = new Object[n];
    for (int i = 0; i < n; i++) {
      Write w = ordered.get(i);
      sourceIds[i] = w.source().id();
      keys[i] = w.dedupKey();
      eventIds[i] = w.id();
      expires[i] = Timestamp.from(w.r().at().plus(DEDUP_WINDOW));
    }
    return new HashSet<>(
        jdbc.sql(InboundEventsQueries.DEDUP_CLAIM_ALL)
            .param("source_ids", new SqlArrayValue("uuid", sourceIds))
            .param("event_keys", new SqlArrayValue("bytea", (Object[]) keys))
            .param("event_ids", new SqlArrayValue("uuid", eventIds))
            .param("expires_at", new SqlArrayValue("timestamptz", expires))
            .query(UUID.class)
            .list());
  }

  /** Inserts the requests of {@code batch} with their stored statuses and reasons. */
  private void insert(List<Write> batch, List<String> stored, List<String> reasons) {
    int n = batch.size();
    Object[] ids = new Object[n];
    Object[] organizations = new Object[n];
    Object[] sources = new Object[n];
    Object[] receivedAt = new Object[n];
    Object[] methods = new Object[n];
    Object[] paths = new Object[n];
    Object[] queries = new Object[n];
    Object[] headers = new Object[n];
    byte[][] bodies = new byte[n][];
    Object[] sizes = new Object[n];
    Object[] ips = new Object[n];
    Object[] verifications = new Object[n];
    Object[] keys = new Object[n];
    for (int i = 0; i < n; i++) {
      Write w = batch.get(i);
      Received r = w.r();
      ids[i] = w.id();
      organizations[i] = w.source().organizationId();
      sources[i] = w.source().id();
      receivedAt[i] = Timestamp.from(r.at());
      methods[i] = r.method();
      paths[i] = r.path();
      queries[i] = r.query();
      headers[i] = w.headers();
      bodies[i] = r.body();
      sizes[i] = r.bodySize();
      ips[i] = r.sourceIp();
      verifications[i] = w.verification();
      keys[i] = StoredText.of(w.eventKey());
    }
    jdbc.sql(InboundEventsQueries.EVENTS_INSERT)
        .param("ids", new SqlArrayValue("uuid", ids))
        .param("organization_ids", new SqlArrayValue("uuid", organizations))
        .param("source_ids", new SqlArrayValue("uuid", sources))
        .param("received_at", new SqlArrayValue("timestamptz", receivedAt))
        .param("methods", new SqlArrayValue("text", methods))
        .param("paths", new SqlArrayValue("text", paths))
        .param("queries", new SqlArrayValue("text", queries))
        .param("headers", new SqlArrayValue("text", headers))
        .param("bodies", new SqlArrayValue("bytea", (Object[]) bodies))
        .param("body_sizes", new SqlArrayValue("int8", sizes))
        .param("source_ips", new SqlArrayValue("text", ips))
        .param("statuses", new SqlArrayValue("text", stored.toArray()))
        .param("reasons", new SqlArrayValue("text", reasons.toArray()))
        .param("verifications", new SqlArrayValue("text", verifications))
        .param("event_keys", new SqlArrayValue("text", keys))
        .update();
  }

  private static Forwards.Request request(Write w) {
    Received r = w.r();
    return new Forwards.Request(w.id(), r.method(), r.path(), r.query(), r.headers(), r.body());
  }

  private static String duplicate(String eventKey) {
    return "event id '" + StoredText.of(eventKey) + "' was received within the last 24 h";
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
