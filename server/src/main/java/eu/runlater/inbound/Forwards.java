package eu.runlater.inbound;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.Header;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.TaskRequest;
import eu.runlater.platform.engine.EngineProperties;
import eu.runlater.platform.engine.Priorities;
import eu.runlater.platform.engine.TaskEnqueuer;
import eu.runlater.queues.QueueMessages;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an accepted request into one forward per connection of its source, in the transaction that
 * stores the request: a filter that is false makes a {@code filtered} forward, a paused connection
 * a {@code held} one, any other an engine task (source kind {@code inbound}) inserted through
 * {@link TaskEnqueuer}, so the request and its tasks commit together or not at all. Once the 202 is
 * sent, the forwards exist: a node killed right after it loses nothing; the engine delivers them
 * with the delivery contract (signed, SSRF-guarded, retried, every attempt in history).
 *
 * <p>A connection with a rate or a parallelism hands its forwards to the queue it owns instead
 * ({@link QueueMessages#push}, same transaction), each forward a message whose id is the forward's:
 * the queue releases them at the connection's pace, and their tasks (source kind {@code message},
 * source id the forward's id) land in the same history.
 */
@Component
class Forwards {
  static final String SOURCE_KIND = "inbound";
  static final String QUEUED = "queued";
  static final String HELD = "held";
  static final String FILTERED = "filtered";
  static final String FAILED = "failed";

  /** Headers of the received request that are not forwarded (the hop's own, or HTTP's). */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "accept-encoding",
          "expect",
          "forwarded",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host",
          "x-forwarded-port",
          "x-real-ip");

  private final JdbcClient jdbc;
  private final TaskEnqueuer enqueuer;
  private final SecretBox box;
  private final JsonMapper json;
  private final Backoff backoff;
  private final QueueMessages queues;

  Forwards(
      JdbcClient jdbc,
      TaskEnqueuer enqueuer,
      QueueMessages queues,
      SecretBox box,
      JsonMapper json,
      EngineProperties engine) {
    this.jdbc = jdbc;
    this.enqueuer = enqueuer;
    this.queues = queues;
    this.box = box;
    this.json = json;
    this.backoff = engine.backoff();
  }

  /** A stored request, as the forwards read it. */
  record Request(
      UUID eventId,
      String method,
      String path,
      String query,
      List<Map.Entry<String, String>> headers,
      byte[] body) {}

  /** Plans the forwards of one accepted request, in the caller's transaction. */
  void plan(Source source, Request request, Instant now) {
    plan(source, request, null, now, now);
  }

  /** One accepted request whose forwards are to be planned, their tasks due at {@code runAt}. */
  record Planned(Source source, Request request, Instant runAt) {}

  /**
   * Plans forwards of a stored request over every connection of its source (or only {@code
   * connectionId}), their tasks due at {@code runAt}; returns how many forwards it made.
   */
  int plan(Source source, Request request, UUID connectionId, Instant now, Instant runAt) {
    List<Connection> connections =
        jdbc
            .sql(ConnectionsQueries.CONNECTIONS_OF_SOURCE)
            .param("source_id", source.id())
            .query(Connections::row)
            .list()
            .stream()
            .filter(c -> connectionId == null || c.id().equals(connectionId))
            .toList();
    return plan(
        List.of(new Planned(source, request, runAt)), Map.of(source.id(), connections), now);
  }

  /**
   * Plans the forwards of many accepted requests in the caller's transaction, set-based: one read
   * of their sources' connections, one insert of every forward, one hand-over of their tasks.
   */
  void planAll(List<Planned> requests, Instant now) {
    if (requests.isEmpty()) {
      return;
    }
    UUID[] sourceIds = requests.stream().map(p -> p.source().id()).distinct().toArray(UUID[]::new);
    Map<UUID, List<Connection>> bySource = new HashMap<>();
    jdbc.sql(ConnectionsQueries.CONNECTIONS_OF_SOURCES)
        .param("source_ids", new SqlArrayValue("uuid", (Object[]) sourceIds))
        .query(Connections::row)
        .list()
        .forEach(c -> bySource.computeIfAbsent(c.sourceId(), k -> new ArrayList<>()).add(c));
    plan(requests, bySource, now);
  }

  private int plan(List<Planned> requests, Map<UUID, List<Connection>> bySource, Instant now) {
    Handover handover = new Handover(now);
    ForwardRows rows = new ForwardRows();
    for (Planned p : requests) {
      List<Connection> connections = bySource.getOrDefault(p.source().id(), List.of());
      if (connections.isEmpty()) {
        continue;
      }
      Request request = p.request();
      Map<String, Object> vars = vars(request);
      for (Connection c : connections) {
        UUID forwardId = Ids.v7(now);
        String state;
        String detail = null;
        NewTask task = null;
        try {
          if (c.filter() != null && !Boolean.TRUE.equals(Expressions.eval(c.filter(), vars))) {
            state = FILTERED;
            detail = "filter is false: " + c.filter();
          } else if (c.paused()) {
            state = HELD;
            detail = "connection paused";
          } else {
            task =
                task(
                    c,
                    forwardId,
                    request,
                    vars,
                    p.source().verification().credentialHeader(),
                    p.runAt());
            state = QUEUED;
          }
        } catch (Expressions.Failed | IllegalArgumentException e) {
          state = FAILED;
          // An expression's error may quote the request's values.
          detail = StoredText.of(e.getMessage());
        }
        rows.add(forwardId, c.organizationId(), request.eventId(), c.id(), state, detail, now);
        if (task != null) {
          handover.add(c, task);
        }
      }
    }
    if (rows.ids.isEmpty()) {
      return 0;
    }
    rows.insert();
    handover.send();
    return rows.ids.size();
  }

  /** Forwards to insert, as the columns of one multi-row insert. */
  private final class ForwardRows {
    private final List<UUID> ids = new ArrayList<>();
    private final List<UUID> organizations = new ArrayList<>();
    private final List<UUID> events = new ArrayList<>();
    private final List<UUID> connections = new ArrayList<>();
    private final List<String> states = new ArrayList<>();
    private final List<String> details = new ArrayList<>();
    private final List<Timestamp> created = new ArrayList<>();

    void add(
        UUID id,
        UUID organizationId,
        UUID eventId,
        UUID connectionId,
        String state,
        String detail,
        Instant now) {
      ids.add(id);
      organizations.add(organizationId);
      events.add(eventId);
      connections.add(connectionId);
      states.add(state);
      details.add(detail);
      created.add(Timestamp.from(now));
    }

    void insert() {
      jdbc.sql(ConnectionsQueries.FORWARD_INSERT)
          .param("ids", new SqlArrayValue("uuid", ids.toArray()))
          .param("organization_ids", new SqlArrayValue("uuid", organizations.toArray()))
          .param("event_ids", new SqlArrayValue("uuid", events.toArray()))
          .param("connection_ids", new SqlArrayValue("uuid", connections.toArray()))
          .param("states", new SqlArrayValue("text", states.toArray()))
          .param("details", new SqlArrayValue("text", details.toArray()))
          .param("created", new SqlArrayValue("timestamptz", created.toArray()))
          .update();
    }
  }

  /**
   * Queues a resumed connection's held forwards, in the caller's transaction (which holds the
   * connection's row lock); returns how many.
   */
  int release(Connection c, String credentialHeader, Instant now) {
    int released = 0;
    while (true) {
      List<Held> held =
          jdbc.sql(ConnectionsQueries.FORWARDS_HELD)
              .param("connection_id", c.id())
              .param("limit", 500)
              .query(
                  (rs, n) ->
                      new Held(
                          rs.getObject("forward_id", UUID.class),
                          new Request(
                              rs.getObject("event_id", UUID.class),
                              rs.getString("method"),
                              rs.getString("path"),
                              rs.getString("query"),
                              pairs(rs.getString("headers")),
                              rs.getBytes("body"))))
              .list();
      if (held.isEmpty()) {
        return released;
      }
      Handover handover = new Handover(now);
      for (Held h : held) {
        String state = QUEUED;
        String detail = null;
        try {
          handover.add(
              c, task(c, h.forwardId(), h.request(), vars(h.request()), credentialHeader, now));
        } catch (Expressions.Failed | IllegalArgumentException e) {
          state = FAILED;
          // An expression's error may quote the request's values.
          detail = StoredText.of(e.getMessage());
        }
        jdbc.sql(ConnectionsQueries.FORWARD_SET_STATE)
            .param("id", h.forwardId())
            .param("state", state)
            .param("detail", detail)
            .param("now", Timestamp.from(now))
            .update();
      }
      released += handover.send();
    }
  }

  private record Held(UUID forwardId, Request request) {}

  /**
   * Forwards' tasks on their way, in the caller's transaction: to the engine at once, or, for a
   * limited connection, to its queue as messages (the forward's id as the message's).
   */
  private final class Handover {
    private final Instant now;
    private final List<NewTask> direct = new ArrayList<>();
    private final Map<UUID, List<QueueMessages.Push>> queued = new LinkedHashMap<>();
    private final Map<UUID, Connection> limited = new LinkedHashMap<>();

    Handover(Instant now) {
      this.now = now;
    }

    void add(Connection c, NewTask task) {
      if (c.limits() == null) {
        direct.add(task);
        return;
      }
      limited.putIfAbsent(c.id(), c);
      queued
          .computeIfAbsent(c.id(), k -> new ArrayList<>())
          .add(
              new QueueMessages.Push(
                  task.sourceId(), task.request(), task.maxAttempts() - 1, task.runAt()));
    }

    /** Hands everything over; returns how many forwards. */
    int send() {
      if (!direct.isEmpty()) {
        enqueuer.enqueue(direct);
      }
      int n = direct.size();
      for (var e : queued.entrySet()) {
        Connection c = limited.get(e.getKey());
        queues.push(
            c.organizationId(),
            c.queueName(),
            Connection.QUEUE_OWNER,
            c.limits(),
            e.getValue(),
            now);
        n += e.getValue().size();
      }
      return n;
    }
  }

  /** The engine task forwarding {@code request} over {@code c}. */
  private NewTask task(
      Connection c,
      UUID forwardId,
      Request request,
      Map<String, Object> vars,
      String credentialHeader,
      Instant now)
      throws Expressions.Failed {
    List<Header> headers = new ArrayList<>();
    for (var h : request.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!SealedRequests.reserved(name)
          && !NOT_FORWARDED.contains(name)
          && !name.equals(credentialHeader)) {
        headers.add(new Header(h.getKey(), h.getValue()));
      }
    }
    byte[] body = request.body();
    if (c.transform() != null) {
      Object result = Expressions.eval(c.transform(), vars);
      if (!(result instanceof Map<?, ?> map)) {
        throw new Expressions.Failed("transform must make a map of body and headers");
      }
      if (map.containsKey("body")) {
        JsonNode value = Expressions.toJson(map.get("body"));
        body =
            (value.isString() ? value.asString() : json.writeValueAsString(value))
                .getBytes(StandardCharsets.UTF_8);
      }
      if (map.get("headers") instanceof Map<?, ?> replaced) {
        headers.clear();
        for (var e : replaced.entrySet()) {
          String name = String.valueOf(e.getKey());
          if (!SealedRequests.reserved(name)) {
            headers.add(new Header(name, String.valueOf(e.getValue())));
          }
        }
      }
    }
    // A forward carries what the hosted URL took (up to 1 MB), not the API's 256 KB for a job's
    // body: a request acknowledged with 202 must be deliverable. Only a transformation can make
    // more of it.
    if (body != null && body.length > Inbox.MAX_BODY) {
      throw new IllegalArgumentException(
          "the transformed body is larger than 1 MB, the most a forward carries");
    }
    String method = c.method() != null ? c.method() : request.method();
    TaskRequest sealed =
        SealedRequests.seal(
            box,
            c.destinationUrl(),
            method,
            headers,
            Set.of(),
            body == null || body.length == 0 ? null : body,
            false,
            c.timeoutMs());
    return new NewTask(
        Ids.v7(now),
        c.organizationId(),
        SOURCE_KIND,
        forwardId,
        Priorities.ONE_TIME,
        now,
        now,
        c.retries() + 1,
        backoff,
        sealed);
  }

  /** What a filter or transformation sees of a request. */
  private Map<String, Object> vars(Request r) {
    Map<String, Object> headers = new LinkedHashMap<>();
    for (var h : r.headers()) {
      headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
    }
    Map<String, Object> query = new LinkedHashMap<>();
    if (r.query() != null) {
      for (String pair : r.query().split("&")) {
        if (!pair.isEmpty()) {
          String[] kv = pair.split("=", 2);
          query.putIfAbsent(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
        }
      }
    }
    Object body = "";
    if (r.body() != null && r.body().length > 0) {
      String text = new String(r.body(), StandardCharsets.UTF_8);
      try {
        body = Expressions.toCel(json.readTree(text));
      } catch (JacksonException e) {
        body = text;
      }
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("method", r.method());
    vars.put("path", r.path());
    vars.put("query", query);
    vars.put("headers", headers);
    vars.put("body", body);
    return vars;
  }

  /** Stored headers ([[name, value], …]) as pairs. */
  List<Map.Entry<String, String>> pairs(String headersJson) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (JsonNode pair : json.readTree(headersJson)) {
      out.add(Map.entry(pair.get(0).asString(), pair.get(1).asString()));
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
