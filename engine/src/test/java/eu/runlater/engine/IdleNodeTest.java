package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.MutableClock;
import eu.runlater.testing.Sink;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an idle node asks its database (issue 18, target 8: an idle node makes a few queries a
 * second). The leader's pass asks two questions (is the lock's session alive, and which steps have
 * anything to do) instead of running every step to find nothing, and a step whose probe answers yes
 * still runs in the same pass; the producer's fallback poll asks for the next due time instead of
 * claiming, and still finds a task nobody announced. Statements are counted on their way to the
 * real database.
 */
class IdleNodeTest {
  final EngineFixture fixture = new EngineFixture();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));

  /**
   * Every statement the engine sent, as it sent them. Copy-on-write: the tests stream it while the
   * engine's threads append (a synchronized list's stream is not, and threw
   * ConcurrentModificationException once in CI).
   */
  final List<String> statements = new CopyOnWriteArrayList<>();

  final Engine engine =
      fixture.stopsWithFixture(
          Engine.builder(fixture.config().build())
              .database(counted(fixture.pool), counted(fixture.dedicated()))
              .http(fixture.http())
              .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
              .clock(clock)
              .build());

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void an_idle_pass_asks_one_question_and_a_pass_with_an_expired_lease_rescues_it()
      throws Exception {
    engine.maintainOnce(); // takes the lock (and so becomes leader): more than a confirming pass
    assertThat(engine.isLeader()).isTrue();

    statements.clear();
    for (int i = 0; i < 5; i++) {
      engine.maintainOnce();
    }
    assertThat(statements)
        .as(
            "five idle passes: one probe each, on the lock's session (its answer confirms the lock)")
        .hasSize(5)
        .filteredOn(sql -> sql.contains("pg_locks"))
        .isEmpty();

    // A running task whose lease expires: the probe finds it and the same pass rescues it.
    fixture.insert(engine, List.of(fixture.task("http://127.0.0.1:9/", clock.instant())));
    assertThat(engine.producer().claim(1)).hasSize(1);
    clock.advance(Duration.ofSeconds(11)); // the lease: the task's 5 s timeout and a 5 s margin
    statements.clear();
    engine.maintainOnce();
    assertThat(statements)
        .as("the pass ran the rescue")
        .anyMatch(sql -> sql.contains("lease_expires_at < least") && sql.startsWith("WITH"));
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'ready' AND rescues = 1"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost'")).isEqualTo(1);
  }

  @Test
  void an_idle_producer_asks_for_the_next_due_time_instead_of_claiming_and_still_finds_a_task()
      throws Exception {
    try (Sink sink = Sink.start()) {
      Engine idle =
          fixture.stopsWithFixture(
              Engine.builder(
                      fixture
                          .config()
                          .pollInterval(Duration.ofMillis(100))
                          .maintenanceInterval(Duration.ofHours(1))
                          .build())
                  .database(counted(fixture.pool), counted(fixture.dedicated()))
                  .http(fixture.http())
                  .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
                  .build());
      // One task due in an hour: the producer's next look is an hour away, the poll at 100 ms.
      fixture.insert(
          idle, List.of(fixture.task(sink.url("/later"), Instant.now().plus(Duration.ofHours(1)))));
      idle.start();
      Sink.await(
          Duration.ofSeconds(10),
          "ten polls",
          () -> statements.stream().filter(sql -> sql.contains("min(n.run_at)")).count() >= 10);
      statements.clear();
      Sink.await(
          Duration.ofSeconds(10),
          "ten more polls",
          () -> statements.stream().filter(sql -> sql.contains("min(n.run_at)")).count() >= 10);
      assertThat(statements)
          .as("polls with nothing due ask for the next due time only")
          .noneMatch(sql -> sql.startsWith("WITH RECURSIVE"));

      // A task made due behind the engine's back (no wake, no notification: a lost NOTIFY, a
      // clock that moved): the next poll finds it due and claims it.
      try (var c = fixture.connection();
          var update =
              c.prepareStatement("UPDATE tasks SET run_at = now() - interval '1 second'")) {
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      Sink.await(Duration.ofSeconds(10), "the task delivered", () -> sink.count() == 1);
    }
  }

  @Test
  void a_heartbeat_is_one_statement_and_brings_the_node_counts_with_it() throws Exception {
    try (var c = fixture.connection();
        var other =
            c.prepareStatement(
                "INSERT INTO engine_nodes (node_id, started_at, heartbeat_at, version, host, pid,"
                    + " state, dead_at) VALUES ('gone', now(), now(), 'test', 'h', 1, 'dead',"
                    + " now())")) {
      other.executeUpdate();
    }
    engine.heartbeat().register();
    statements.clear();
    assertThat(engine.heartbeat().beatOnce()).isEqualTo(Heartbeat.Result.BEAT);
    assertThat(statements).hasSize(1);
    assertThat(engine.heartbeat().count(Heartbeat.State.alive)).isEqualTo(1);
    assertThat(engine.heartbeat().count(Heartbeat.State.dead)).isEqualTo(1);
    assertThat(engine.heartbeat().count(Heartbeat.State.stopped)).isZero();
  }

  /** The engine's pool, each of its connections counting the statements prepared on it. */
  private DataSource counted(DataSource pool) {
    return (DataSource)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(pool, method, args);
              return result instanceof Connection c ? counted(c) : result;
            });
  }

  private ConnectionFactory counted(ConnectionFactory dedicated) {
    return () -> counted(dedicated.open());
  }

  private Connection counted(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("prepareStatement")
                  || method.getName().equals("prepareCall")) {
                statements.add(((String) args[0]).strip());
              }
              return invoke(connection, method, args);
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
