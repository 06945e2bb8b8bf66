package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.MutableClock;
import eu.runlater.testing.Sink;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's heartbeat: its row written with the database's clock, a node declared dead registering
 * again, a graceful stop marking it stopped, the operator's listing, and self-fencing: a node whose
 * heartbeat cannot reach the database stops claiming until it can.
 */
class HeartbeatTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  private Object column(String nodeId, String column) throws SQLException {
    return fixture.db.withConnection(
        c ->
            Db.query(
                    c,
                    "SELECT " + column + " FROM engine_nodes WHERE node_id = :id",
                    Db.Params.of("id", nodeId),
                    rs -> rs.getObject(1))
                .getFirst());
  }

  @Test
  void dead_after_must_leave_room_for_three_heartbeats() {
    var config = EngineConfig.builder("n").heartbeatInterval(Duration.ofSeconds(2));
    assertThat(config.deadAfter(Duration.ofSeconds(6)).build().deadAfter())
        .isEqualTo(Duration.ofSeconds(6));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> config.deadAfter(Duration.ofSeconds(5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadAfter must be at least three heartbeat intervals (PT6S)");
    assertThat(EngineConfig.defaults("n").deadAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(EngineConfig.defaults("n").heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void a_node_heartbeats_with_the_database_s_clock_whatever_its_own_says() throws Exception {
    // Its own clock is a year behind; its heartbeat is the database's now().
    var clock = new MutableClock(Instant.now().minus(Duration.ofDays(365)));
    Engine engine = fixture.engine(fixture.config().version("9.9.9").build(), clock);
    engine.heartbeat().register();
    String id = engine.config().nodeId();
    assertThat(
            fixture.count(
                "SELECT count(*) FROM engine_nodes WHERE node_id = '"
                    + id
                    + "' AND state = 'alive' AND version = '9.9.9'"
                    + " AND heartbeat_at > now() - interval '5 seconds'"
                    + " AND pid = "
                    + ProcessHandle.current().pid()))
        .isEqualTo(1);
    assertThat(engine.heartbeat().beatOnce()).isEqualTo(Heartbeat.Result.BEAT);
    assertThat(engine.heartbeat().fresh()).isTrue();
  }

  @Test
  void a_node_declared_dead_registers_again_with_its_next_heartbeat() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    engine.heartbeat().register();
    String id = engine.config().nodeId();
    Object startedAt = column(id, "started_at");
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                "UPDATE engine_nodes SET state = 'dead', dead_at = now() WHERE node_id = :id",
                Db.Params.of("id", id)));

    assertThat(engine.heartbeat().beatOnce()).isEqualTo(Heartbeat.Result.REVIVED);
    assertThat(column(id, "state")).isEqualTo("alive");
    assertThat(column(id, "dead_at")).isNull();
    assertThat(column(id, "started_at")).as("the same start").isEqualTo(startedAt);
    assertThat(engine.heartbeat().beatOnce()).isEqualTo(Heartbeat.Result.BEAT);

    // A row that went missing (pruned, emptied) is written again too.
    fixture.db.withConnection(c -> Db.update(c, "DELETE FROM engine_nodes", Db.Params.of()));
    assertThat(engine.heartbeat().beatOnce()).isEqualTo(Heartbeat.Result.REVIVED);
    assertThat(column(id, "started_at")).isEqualTo(startedAt);
  }

  @Test
  void a_graceful_stop_marks_the_node_stopped_and_the_listing_shows_every_node() throws Exception {
    Engine first = fixture.engine(fixture.config().build());
    Engine second = fixture.engine(fixture.config().build());
    first.start();
    Sink.await(WAIT, "the first node to lead", first::isLeader);
    second.start();
    sink.respond(r -> Sink.Reply.status(200).after(Duration.ofSeconds(2)));
    fixture.insert(second, List.of(fixture.task(sink.url("/slow"))));
    Sink.await(WAIT, "a delivery in flight", () -> sink.inFlight() == 1);

    List<Nodes.Node> nodes = first.nodes().list();
    assertThat(nodes).hasSize(2);
    assertThat(nodes).allSatisfy(n -> assertThat(n.state()).isEqualTo("alive"));
    assertThat(nodes)
        .filteredOn(Nodes.Node::leader)
        .extracting(Nodes.Node::id)
        .containsExactly(first.config().nodeId());
    assertThat(nodes.stream().mapToInt(Nodes.Node::running).sum()).isEqualTo(1);
    assertThat(nodes).allSatisfy(n -> assertThat(n.silentFor()).isLessThan(Duration.ofSeconds(5)));

    second.stop();
    assertThat(column(second.config().nodeId(), "state")).isEqualTo("stopped");
    first.stop();
    assertThat(column(first.config().nodeId(), "state")).isEqualTo("stopped");
    assertThat(column(first.config().nodeId(), "leader_pid")).isNull();
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost'")).isZero();
  }

  @Test
  void a_node_whose_heartbeat_cannot_reach_the_database_stops_claiming_until_it_can()
      throws Exception {
    // The node's own sessions (heartbeat and leader lock, wake-ups) can be cut; its pool cannot,
    // so only self-fencing keeps it from claiming.
    CuttableSessions sessions = new CuttableSessions(fixture);
    Engine engine = fixture.engine(CuttableSessions.staleSoon(fixture).build(), sessions);
    engine.start();
    sink.respond(r -> Sink.Reply.status(200));
    fixture.insert(engine, List.of(fixture.task(sink.url("/before"))));
    sink.awaitCount(1, WAIT);
    Sink.await(
        WAIT, "the first outcome recorded", () -> fixture.count("SELECT count(*) FROM tasks") == 0);

    sessions.cutOff(engine, WAIT);
    fixture.insert(engine, List.of(fixture.task(sink.url("/during"))));
    // Claims would come within a poll interval (200 ms); ten of them pass with none.
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'"))
          .as(
              () -> {
                try {
                  return fixture
                      .db
                      .withConnection(
                          c ->
                              Db.query(
                                  c,
                                  "SELECT url, claimed_by, attempt, state FROM tasks",
                                  Db.Params.of(),
                                  rs ->
                                      rs.getString(1)
                                          + " "
                                          + rs.getString(2)
                                          + " "
                                          + rs.getInt(3)
                                          + " "
                                          + rs.getString(4)))
                      .toString();
                } catch (SQLException e) {
                  return e.toString();
                }
              })
          .isZero();
      Thread.sleep(50);
    }
    assertThat(sink.count()).isEqualTo(1);

    sessions.reconnect();
    sink.awaitCount(2, WAIT);
    assertThat(engine.heartbeat().fresh()).isTrue();
    assertThat(sink.received().get(1).path()).isEqualTo("/during");
  }
}
