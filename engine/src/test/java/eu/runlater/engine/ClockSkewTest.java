package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.runlater.engine.db.Db;
import eu.runlater.testing.Sink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A node whose clock runs ahead of the database's: due means due by the database's clock, the node
 * knows its offset, and says so.
 */
class ClockSkewTest {
  static final Duration SKEW = Duration.ofSeconds(5);

  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  /** The database's now() as each delivery arrived at the target, by task id. */
  final Map<String, Instant> arrivedAt = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  /** The system clock, moved by an offset the test sets (5 s ahead to begin with). */
  static final class SkewedClock implements InstantSource {
    final AtomicReference<Duration> offset = new AtomicReference<>(SKEW);

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }
  }

  private Instant databaseNow() throws SQLException {
    return fixture
        .db
        .withConnection(
            c -> Db.query(c, "SELECT now() AS t", Db.Params.of(), rs -> SqlTime.instant(rs, "t")))
        .getFirst();
  }

  @Test
  void a_claim_takes_only_what_is_due_by_the_database_s_clock_before_any_offset_is_known()
      throws Exception {
    // Never registered, so no heartbeat has measured the offset: the claim alone bounds "due".
    Engine engine = fixture.engine(fixture.config().build(), new SkewedClock());
    Instant due = databaseNow().plusSeconds(2);
    fixture.insert(engine, List.of(fixture.task(sink.url("/skew"), due)));

    assertThat(engine.producer().claim(10)).as("due in 2 s by the database's clock").isEmpty();
    Sink.await(
        Duration.ofSeconds(10),
        "the database's clock to reach the due time",
        () -> {
          try {
            return !databaseNow().isBefore(due);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    List<ClaimedTask> claimed = engine.producer().claim(10);
    assertThat(claimed).hasSize(1);
    assertThat(
            fixture.count(
                "SELECT count(*) FROM tasks WHERE lease_expires_at <= now() + interval '11 seconds'"))
        .as("the lease (5 s timeout + 5 s margin) runs from the database's time, not 5 s later")
        .isEqualTo(1);
  }

  @Test
  void a_leader_whose_clock_is_ahead_leaves_a_lease_alone_until_it_expires_by_the_database()
      throws Exception {
    Engine claimer = fixture.engine(fixture.config().build());
    SkewedClock ahead = new SkewedClock();
    ahead.offset.set(Duration.ofMinutes(1));
    Engine leader = fixture.engine(fixture.config().build(), ahead);
    fixture.insert(claimer, List.of(fixture.task(sink.url("/skew"))));
    assertThat(claimer.producer().claim(1)).hasSize(1);

    // The lease (5 s timeout + 5 s margin) has 10 s to run by the database's clock; by the
    // leader's it expired 50 s ago.
    assertThat(leader.rescuer().runOnce().rescued()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'")).isEqualTo(1);
  }

  @Test
  void a_leader_whose_clock_is_ahead_hands_a_dead_node_s_tasks_on_due_now_by_the_database()
      throws Exception {
    SkewedClock ahead = new SkewedClock();
    ahead.offset.set(Duration.ofMinutes(1));
    Engine leader = fixture.engine(fixture.config().build(), ahead);
    Engine gone = fixture.engine(fixture.config().build());
    fixture.insert(gone, List.of(fixture.task(sink.url("/skew"))));
    assertThat(gone.producer().claim(1)).hasSize(1);
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                """
                INSERT INTO engine_nodes (node_id, started_at, heartbeat_at, version, host, pid,
                                          state, dead_at)
                VALUES (:id, now(), now(), 'test', 'here', 1, 'dead', now())
                """,
                Db.Params.of("id", gone.config().nodeId())));

    assertThat(leader.rescuer().handOver(Duration.ofSeconds(10)).handedOn()).isEqualTo(1);
    assertThat(
            fixture.count("SELECT count(*) FROM tasks WHERE state = 'ready' AND run_at <= now()"))
        .as("ready at once by the database's clock, not a minute on by the leader's")
        .isEqualTo(1);
  }

  @Test
  void a_node_whose_clock_is_ahead_delivers_a_task_when_it_is_due_by_the_database_s_clock()
      throws Exception {
    sink.respond(
        r -> {
          try {
            arrivedAt.put(new String(r.body(), StandardCharsets.UTF_8), databaseNow());
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
          return Sink.Reply.status(200);
        });
    // Polling so rare that only waiting for the due time can explain a prompt delivery.
    Engine engine =
        fixture.engine(
            fixture.config().pollInterval(Duration.ofMinutes(10)).build(), new SkewedClock());
    engine.start();
    Sink.await(
        Duration.ofSeconds(10),
        "the node to measure its clock 5 s ahead",
        () -> Math.abs(engine.heartbeat().ahead().minus(SKEW).toMillis()) < 500);

    Instant due = databaseNow().plusSeconds(2);
    NewTask task = fixture.task(sink.url("/skew"), due);
    String body = EngineFixture.JSON_BODY.apply(task.id());
    long claimsBefore = engine.producer().claims();
    fixture.insert(engine, List.of(task));

    Sink.await(Duration.ofSeconds(15), "the delivery", () -> arrivedAt.containsKey(body));
    Instant arrived = arrivedAt.get(body);
    assertThat(arrived)
        .as("the database's time at the delivery, against the task's due time %s", due)
        .isAfterOrEqualTo(due);
    // Woken by its due time, not by the 10-minute poll nor by a re-check of tasks "due" by the
    // node's own clock every 200 ms.
    assertThat(Duration.between(due, arrived)).isLessThan(Duration.ofSeconds(2));
    assertThat(engine.producer().claims() - claimsBefore)
        .as("claim statements sent from the insert to the delivery")
        .isLessThanOrEqualTo(4);
  }

  @Test
  void a_clock_off_by_more_than_a_second_shows_in_a_gauge_and_one_warning_until_it_is_back()
      throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(Heartbeat.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try {
      SkewedClock clock = new SkewedClock();
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      EngineConfig config = fixture.config().build();
      Engine engine =
          fixture.stopsWithFixture(
              Engine.builder(config)
                  .database(fixture.pool, fixture.dedicated())
                  .http(fixture.http())
                  .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
                  .clock(clock)
                  .meters(meters)
                  .build());
      engine.heartbeat().register();
      engine.heartbeat().beatOnce();
      engine.heartbeat().beatOnce();
      double offset = meters.get("runlater.node.clock.offset").gauge().value();
      assertThat(offset).isBetween(4.5, 5.5);
      Nodes.Node row =
          engine.nodes().list().stream()
              .filter(n -> n.id().equals(config.nodeId()))
              .findFirst()
              .orElseThrow();
      assertThat(row.clockOffset()).as("the operator's view").isNotNull();
      assertThat(row.clockOffset().toMillis()).isBetween(4_500L, 5_500L);

      clock.offset.set(Duration.ofMillis(-200));
      engine.heartbeat().beatOnce();
      engine.heartbeat().beatOnce();
      assertThat(meters.get("runlater.node.clock.offset").gauge().value()).isBetween(-0.7, 0.3);

      List<String> lines =
          log.list.stream()
              .filter(e -> e.getFormattedMessage().contains(config.nodeId()))
              .filter(e -> e.getFormattedMessage().contains("clock"))
              .map(e -> e.getLevel() + " " + e.getFormattedMessage())
              .toList();
      assertThat(lines).hasSize(2);
      assertThat(lines.getFirst())
          .startsWith(Level.WARN + " The clock of node " + config.nodeId() + " is PT")
          .contains("ahead of the database's");
      assertThat(lines.getLast())
          .startsWith(Level.INFO + " The clock of node " + config.nodeId() + " is back within");
    } finally {
      logger.detachAppender(log);
    }
  }
}
