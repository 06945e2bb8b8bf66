package eu.runlater.engine;

import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.engine.db.Db;
import eu.runlater.engine.http.AddressPolicy;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpDeliveryConfig;
import eu.runlater.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fresh, migrated database and everything an engine needs on it: tests build engines (several for
 * cluster tests) and tasks with sensible defaults.
 */
final class EngineFixture implements AutoCloseable {
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final UUID ORG = UUID.fromString("0190c0de-0000-7000-8000-000000000001");
  private static final AtomicInteger NODES = new AtomicInteger();

  final String database = TestPostgres.freshDatabase();
  final HikariDataSource pool = TestPostgres.dataSource(database, 20);
  final Db db = new Db(pool);
  final SecretBox secrets = SecretBox.fromConfigured(SecretBox.generateKey());
  private final List<Engine> engines = new ArrayList<>();
  private final List<HttpDelivery> clients = new ArrayList<>();

  ConnectionFactory dedicated() {
    String url = TestPostgres.jdbcUrl(database);
    return () -> DriverManager.getConnection(url, "postgres", null);
  }

  EngineConfig.Builder config() {
    return EngineConfig.builder("node-" + NODES.incrementAndGet())
        .workers(20)
        .leaseMargin(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .maintenanceInterval(Duration.ofMillis(200))
        .shutdownGrace(Duration.ofSeconds(5))
        .userAgent("Runlater/test");
  }

  HttpDelivery http() {
    HttpDelivery http =
        new HttpDelivery(HttpDeliveryConfig.defaults(AddressPolicy.parse("127.0.0.0/8")));
    clients.add(http);
    return http;
  }

  Engine engine(EngineConfig config) {
    return engine(config, InstantSource.system());
  }

  Engine engine(EngineConfig config, InstantSource clock) {
    return engine(config, clock, OutcomeHook.NONE);
  }

  Engine engine(EngineConfig config, InstantSource clock, OutcomeHook outcomes) {
    return engine(config, clock, outcomes, dedicated());
  }

  /** An engine whose own connections (leader lock, listener) come from {@code dedicated}. */
  Engine engine(EngineConfig config, ConnectionFactory dedicated) {
    return engine(config, InstantSource.system(), OutcomeHook.NONE, dedicated);
  }

  /** An engine that delivers through {@code http} (closed with the fixture). */
  Engine engine(EngineConfig config, HttpDelivery http) {
    clients.add(http);
    return engine(config, InstantSource.system(), OutcomeHook.NONE, dedicated(), http);
  }

  private Engine engine(
      EngineConfig config, InstantSource clock, OutcomeHook outcomes, ConnectionFactory dedicated) {
    return engine(config, clock, outcomes, dedicated, http());
  }

  private Engine engine(
      EngineConfig config,
      InstantSource clock,
      OutcomeHook outcomes,
      ConnectionFactory dedicated,
      HttpDelivery http) {
    Engine engine =
        Engine.builder(config)
            .outcomes(outcomes)
            .database(pool, dedicated)
            .http(http)
            .secrets(secrets, org -> List.of(SECRET))
            .clock(clock)
            .build();
    engines.add(engine);
    return engine;
  }

  /** Stops {@code engine} with the fixture: for engines a test builds itself. */
  Engine stopsWithFixture(Engine engine) {
    engines.add(engine);
    return engine;
  }

  /** A task to POST {@code {"task": id}} to {@code url}, due now, one attempt, fast backoff. */
  NewTask task(String url) {
    return task(url, Instant.now());
  }

  NewTask task(String url, Instant runAt) {
    return task(url, runAt, 5_000, JSON_BODY);
  }

  /** The body of {@link #task(String)}'s tasks: {@code {"task": "<id>"}}. */
  static final Function<UUID, String> JSON_BODY = id -> "{\"task\":\"" + id + "\"}";

  /**
   * A task to POST {@code body.apply(its id)} to {@code url}, due at {@code runAt}, one attempt,
   * fast backoff, in {@link #ORG}: the one test task of the engine tests, the fixture's and those
   * of tests with their own database (child processes, a restartable PostgreSQL).
   */
  static NewTask task(String url, Instant runAt, int timeoutMs, Function<UUID, String> body) {
    UUID id = Ids.v7(Instant.now());
    return new NewTask(
        id,
        ORG,
        "job",
        UUID.randomUUID(),
        5,
        runAt,
        runAt,
        1,
        new Backoff(50, 200),
        new TaskRequest(
            url,
            "POST",
            List.of(new Header("Content-Type", "application/json")),
            null,
            body.apply(id).getBytes(StandardCharsets.UTF_8),
            false,
            timeoutMs));
  }

  /**
   * {@link #task(String, Instant)} to a closed port, in {@code organization}, at {@code priority}.
   */
  static NewTask task(UUID organization, int priority, Instant runAt) {
    NewTask t = task("http://127.0.0.1:9/", runAt, 5_000, JSON_BODY);
    return new NewTask(
        t.id(),
        organization,
        t.sourceKind(),
        t.sourceId(),
        priority,
        runAt,
        runAt,
        t.maxAttempts(),
        t.backoff(),
        t.request());
  }

  /** {@code t} in {@code organization} instead. */
  static NewTask inOrganization(NewTask t, UUID organization) {
    return new NewTask(
        t.id(),
        organization,
        t.sourceKind(),
        t.sourceId(),
        t.priority(),
        t.runAt(),
        t.scheduledFor(),
        t.maxAttempts(),
        t.backoff(),
        t.request());
  }

  void insert(Engine engine, List<NewTask> tasks) throws SQLException {
    insert(db, engine, tasks);
  }

  /** Inserts {@code tasks} through {@code engine} in one transaction and wakes its producer. */
  static void insert(Db db, Engine engine, List<NewTask> tasks) throws SQLException {
    Instant earliest = db.inTransaction(c -> engine.tasks().insert(c, tasks));
    engine.tasks().committed(earliest);
  }

  /** Creates {@code outcome_log (task_id, status)}, which {@link #logOutcomes} fills. */
  void createOutcomeLog() throws SQLException {
    db.withConnection(
        c -> c.createStatement().execute("CREATE TABLE outcome_log (task_id uuid, status text)"));
  }

  /**
   * An outcome hook's work for tests of the hook: one {@code outcome_log} row per final outcome, in
   * the transaction that records them.
   */
  static void logOutcomes(OutcomeHook.Finished finished) throws SQLException {
    for (Completion c : finished.outcomes()) {
      try (var st =
          finished
              .connection()
              .prepareStatement("INSERT INTO outcome_log (task_id, status) VALUES (?, ?)")) {
        st.setObject(1, c.task().id());
        st.setString(2, c.execution().status());
        st.executeUpdate();
      }
    }
  }

  /** The first column of the first row of {@code sql} (a count); unchecked, for awaits. */
  long count(String sql) {
    try {
      return count(db, sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(Db db, String sql) throws SQLException {
    return db.withConnection(c -> Db.query(c, sql, Db.Params.of(), rs -> rs.getLong(1)).getFirst());
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public void close() {
    for (Engine engine : engines) {
      engine.stop();
    }
    for (HttpDelivery client : clients) {
      client.close();
    }
    pool.close();
  }
}
