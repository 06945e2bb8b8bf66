package eu.runlater.inbound;

import eu.runlater.engine.Ids;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import eu.runlater.queues.QueueMessages;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Connections: create, read, change, pause, resume (its held forwards queued), delete. A connection
 * with a rate or a parallelism owns a queue ({@link QueueMessages}) whose settings, pause and
 * deletion follow the connection's, in the same transaction.
 */
@Service
class Connections {
  static final int DEFAULT_RETRIES = 5;

  private final JdbcClient jdbc;
  private final Sources sources;
  private final Forwards forwards;
  private final RequestRules rules;
  private final QueueMessages queues;
  private final InstantSource clock;

  Connections(
      JdbcClient jdbc,
      Sources sources,
      Forwards forwards,
      RequestRules rules,
      QueueMessages queues,
      InstantSource clock) {
    this.jdbc = jdbc;
    this.sources = sources;
    this.forwards = forwards;
    this.rules = rules;
    this.queues = queues;
    this.clock = clock;
  }

  /** A connection's settings, checked. */
  record Draft(
      UUID sourceId,
      String name,
      String destinationUrl,
      String method,
      String filter,
      String transform,
      int timeoutMs,
      int retries,
      QueueMessages.Limits limits) {}

  Draft check(UUID organizationId, ConnectionInput in) {
    if (in == null) {
      throw ApiProblem.invalid("body", "is required: a JSON object describing the connection");
    }
    List<FieldError> errors = new ArrayList<>();
    if (in.sourceId() == null) {
      errors.add(new FieldError("source_id", "is required: the source whose requests to forward"));
    } else if (!sources.exists(organizationId, in.sourceId())) {
      errors.add(new FieldError("source_id", "is no source of this organization"));
    }
    String name = in.name() == null ? "" : in.name().strip();
    if (name.isEmpty() || name.length() > 200) {
      errors.add(new FieldError("name", "is required, at most 200 characters"));
    }
    String url = rules.url("destination_url", in.destinationUrl(), errors);
    String method = null;
    if (in.method() != null) {
      method = in.method().strip().toUpperCase(Locale.ROOT);
      if (!RequestRules.METHODS.contains(method)) {
        errors.add(
            new FieldError(
                "method", "must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"));
      }
    }
    String filter = expression("filter", in.filter(), errors);
    String transform = expression("transform", in.transform(), errors);
    int timeout = RequestRules.timeout(in.timeoutMs(), errors);
    int retries = RequestRules.retries(in.retries(), DEFAULT_RETRIES, errors);
    QueueMessages.Limits limits =
        QueueMessages.Limits.check(
            in.parallelism(),
            in.rate() == null ? null : in.rate().limit(),
            in.rate() == null ? null : in.rate().per(),
            "",
            errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return new Draft(in.sourceId(), name, url, method, filter, transform, timeout, retries, limits);
  }

  private static String expression(String field, String text, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String problem = Expressions.check(text.strip());
    if (problem != null) {
      errors.add(new FieldError(field, problem));
    }
    return text.strip();
  }

  @Transactional
  Connection create(UUID organizationId, Draft d) {
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    bind(jdbc.sql(ConnectionsQueries.CONNECTION_INSERT), d)
        .param("id", id)
        .param("organization_id", organizationId)
        .param("now", Timestamp.from(now))
        .update();
    Connection c = get(organizationId, id);
    ownQueue(c, now);
    return c;
  }

  /**
   * Applies to requests received from now on. Limits set or changed apply to the forwards already
   * waiting in the connection's queue too; limits removed leave that queue to drain at the old ones
   * while new forwards go straight to the engine.
   */
  @Transactional
  Connection update(UUID organizationId, UUID id, Draft d) {
    Instant now = clock.instant();
    int changed =
        bind(jdbc.sql(ConnectionsQueries.CONNECTION_UPDATE), d)
            .param("id", id)
            .param("organization_id", organizationId)
            .param("now", Timestamp.from(now))
            .update();
    if (changed == 0) {
      throw ApiProblem.notFound("connection", id);
    }
    Connection c = get(organizationId, id);
    ownQueue(c, now);
    return c;
  }

  private void ownQueue(Connection c, Instant now) {
    if (c.limits() != null) {
      queues.own(c.organizationId(), c.queueName(), Connection.QUEUE_OWNER, c.limits(), now);
      if (c.paused()) {
        queues.pause(c.organizationId(), c.queueName());
      }
    }
  }

  /** Pauses: accepted requests are kept as held forwards until a resume. A no-op when paused. */
  @Transactional
  Connection pause(UUID organizationId, UUID id) {
    Connection c = setPaused(organizationId, id, true);
    // Forwards waiting in its queue wait too, and those released but not started go back.
    queues.pause(organizationId, c.queueName());
    return c;
  }

  /** Resumes: the held forwards are queued now, in order, in this transaction. */
  @Transactional
  Connection resume(UUID organizationId, UUID id) {
    Connection c = setPaused(organizationId, id, false);
    Source source = sources.get(organizationId, c.sourceId());
    forwards.release(c, source.verification().credentialHeader(), clock.instant());
    queues.resume(organizationId, c.queueName());
    return c;
  }

  private Connection setPaused(UUID organizationId, UUID id, boolean paused) {
    // The row lock orders this with the ingest path's FOR SHARE: a request planned before it is
    // held (and released here), one planned after it sees the new state.
    jdbc.sql(ConnectionsQueries.CONNECTION_LOCK)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(Connections::row)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("connection", id));
    jdbc.sql(ConnectionsQueries.CONNECTION_SET_PAUSED)
        .param("paused", paused)
        .param("now", Timestamp.from(clock.instant()))
        .param("organization_id", organizationId)
        .param("id", id)
        .update();
    return get(organizationId, id);
  }

  /**
   * Deletes the connection: it takes no new requests and is gone from the API, but its row stays,
   * marked deleted (inbound V5), so that its forwards still say where each request went. A limited
   * connection's queue goes with it (forwards not yet started are withdrawn); forwards it held
   * while paused are marked failed, never forwarded. A forward already handed to the engine
   * directly still runs.
   */
  @Transactional
  void delete(UUID organizationId, UUID id) {
    queues.drop(organizationId, Connection.queueName(id));
    int deleted =
        jdbc.sql(ConnectionsQueries.CONNECTION_DELETE)
            .param("organization_id", organizationId)
            .param("id", id)
            .param("now", Timestamp.from(clock.instant()))
            .update();
    if (deleted == 0) {
      throw ApiProblem.notFound("connection", id);
    }
    jdbc.sql(ConnectionsQueries.FORWARDS_HELD_DROP).param("connection_id", id).update();
  }

  Connection get(UUID organizationId, UUID id) {
    return jdbc.sql(ConnectionsQueries.CONNECTION_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(Connections::row)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("connection", id));
  }

  List<Connection> list(UUID organizationId, UUID sourceId, UUID cursor, int limit) {
    return jdbc.sql(ConnectionsQueries.CONNECTION_LIST)
        .param("organization_id", organizationId)
        .param("source_id", sourceId)
        .param("cursor", cursor)
        .param("limit", limit)
        .query(Connections::row)
        .list();
  }

  private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec sql, Draft d) {
    return sql.param("source_id", d.sourceId())
        .param("name", d.name())
        .param("destination_url", d.destinationUrl())
        .param("method", d.method())
        .param("filter", d.filter())
        .param("transform", d.transform())
        .param("timeout_ms", d.timeoutMs())
        .param("retries", d.retries())
        .param("parallelism", d.limits() == null ? null : d.limits().parallelism())
        .param("rate_limit", d.limits() == null ? null : d.limits().rateLimit())
        .param("rate_period_ms", d.limits() == null ? null : d.limits().ratePeriodMs());
  }

  static Connection row(ResultSet rs, int n) throws SQLException {
    return new Connection(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getObject("source_id", UUID.class),
        rs.getString("name"),
        rs.getString("destination_url"),
        rs.getString("method"),
        rs.getString("filter"),
        rs.getString("transform"),
        rs.getInt("timeout_ms"),
        rs.getInt("retries"),
        (Integer) rs.getObject("parallelism"),
        rate(rs),
        rs.getBoolean("paused"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }

  private static Connection.Rate rate(ResultSet rs) throws SQLException {
    int limit = rs.getInt("rate_limit");
    if (rs.wasNull()) {
      return null;
    }
    return new Connection.Rate(limit, rs.getInt("rate_period_ms") == 60_000 ? "minute" : "second");
  }
}
