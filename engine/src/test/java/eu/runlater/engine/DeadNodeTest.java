package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node liveness with real processes: a node killed with SIGKILL, a node paused with SIGSTOP past
 * its dead-after and resumed, and a paused leader. Their tasks (with timeouts, and so leases, of
 * minutes) move to another node within seconds of the silence, fenced: the lost attempt's late
 * completion is refused and the history names the node that was declared dead.
 */
class DeadNodeTest {
  static final int TASKS = 10;

  /** Well below the leases (a timeout of a minute or five, plus the margin): no lease expires. */
  static final Duration HANDED_ON_WITHIN = Duration.ofSeconds(30);

  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();
  final CountDownLatch released = new CountDownLatch(1);
  final List<EngineProcess.Child> children = new ArrayList<>();

  @AfterEach
  void close() {
    children.forEach(EngineProcess.Child::close);
    released.countDown();
    fixture.close();
    sink.close();
  }

  /** First attempts are held until {@link #released}; later ones are answered at once. */
  private Reply holdFirstAttempts(Sink.Received r) {
    if ("1".equals(r.header("Runlater-Attempt"))) {
      await(released, Duration.ofMinutes(5));
    }
    return Reply.status(200);
  }

  private static void await(CountDownLatch latch, Duration d) {
    try {
      latch.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private EngineProcess.Child child(String nodeId, String... options) throws Exception {
    EngineProcess.Child child = EngineProcess.start(fixture.database, nodeId, options);
    children.add(child);
    return child;
  }

  private List<NewTask> tasks(String path, int n, Duration timeout) {
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NewTask t = fixture.task(sink.url(path));
      TaskRequest r = t.request();
      tasks.add(
          new NewTask(
              t.id(),
              t.organizationId(),
              t.sourceKind(),
              t.sourceId(),
              t.priority(),
              t.runAt(),
              t.scheduledFor(),
              t.maxAttempts(),
              t.backoff(),
              new TaskRequest(
                  r.url(),
                  r.method(),
                  r.headers(),
                  r.sealedHeaders(),
                  r.body(),
                  r.bodySealed(),
                  (int) timeout.toMillis(),
                  r.sealedUrl())));
    }
    return tasks;
  }

  private List<Sink.Received> received(String path, String attempt) {
    return sink.received().stream()
        .filter(r -> r.path().equals(path) && attempt.equals(r.header("Runlater-Attempt")))
        .toList();
  }

  private String nodeState(String nodeId) throws Exception {
    return fixture.db.withConnection(
        c ->
            Db.query(
                    c,
                    "SELECT state FROM engine_nodes WHERE node_id = :id",
                    Db.Params.of("id", nodeId),
                    rs -> rs.getString(1))
                .getFirst());
  }

  private static String lostBecauseDeclaredDead(String nodeId) {
    return "SELECT count(*) FROM executions WHERE status = 'lost' AND NOT final AND attempt = 1"
        + " AND error LIKE 'node "
        + nodeId
        + " was declared dead: no heartbeat since %'";
  }

  @Test
  void a_killed_node_s_tasks_are_delivered_again_within_seconds_whatever_their_timeout()
      throws Exception {
    sink.respond(this::holdFirstAttempts);
    // Production timing on both sides: heartbeat 2 s, dead after 10 s, a leader pass a second.
    EngineProcess.Child doomed = child("doomed", "maintenance-interval=1s");
    Engine survivor =
        fixture.engine(fixture.config().maintenanceInterval(Duration.ofSeconds(1)).build());
    List<NewTask> tasks = tasks("/work", TASKS, Duration.ofMinutes(5));
    fixture.insert(survivor, tasks);
    Sink.await(
        Duration.ofSeconds(30),
        "the doomed node to have every task in flight",
        () -> received("/work", "1").size() == TASKS);
    survivor.start();

    Instant killedAt = Instant.now();
    doomed.kill();
    Sink.await(
        HANDED_ON_WITHIN,
        "the killed node's tasks delivered again by the survivor",
        () -> received("/work", "2").size() == TASKS);

    List<Long> afterKill =
        received("/work", "2").stream()
            .map(r -> Duration.between(killedAt, r.at()).toMillis())
            .sorted()
            .toList();
    System.out.println(
        "kill -9 -> re-delivery (ms): first "
            + afterKill.getFirst()
            + ", median "
            + afterKill.get(afterKill.size() / 2)
            + ", last "
            + afterKill.getLast());
    Sink.await(
        Duration.ofSeconds(10),
        "every second attempt recorded",
        () ->
            fixture.count(
                    "SELECT count(*) FROM executions WHERE status = 'success' AND final AND node = '"
                        + survivor.config().nodeId()
                        + "'")
                == TASKS);
    assertThat(fixture.count(lostBecauseDeclaredDead("doomed"))).isEqualTo(TASKS);
    assertThat(nodeState("doomed")).isEqualTo("dead");
    // Delivered twice each (the lost attempt, then the survivor's), under one webhook-id.
    Map<String, List<String>> ids = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      ids.computeIfAbsent(new String(r.body()), k -> new ArrayList<>()).add(r.header("webhook-id"));
    }
    assertThat(ids).hasSize(TASKS);
    assertThat(ids.values())
        .allSatisfy(
            sent -> {
              assertThat(sent).hasSize(2);
              assertThat(sent.get(0)).isEqualTo(sent.get(1));
            });
  }

  @Test
  void a_node_paused_past_dead_after_loses_its_tasks_writes_nothing_stale_and_claims_again()
      throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch resumed = new CountDownLatch(1);
    sink.respond(
        r -> {
          if (r.path().equals("/gate")) {
            await(gate, Duration.ofMinutes(1));
          } else if (r.path().equals("/held") && "1".equals(r.header("Runlater-Attempt"))) {
            await(resumed, Duration.ofMinutes(1));
          }
          return Reply.status(200);
        });
    Duration deadAfter = Duration.ofSeconds(3);
    // The leader has one worker, kept busy at first, so the paused node holds every task.
    Engine leader =
        fixture.engine(
            fixture
                .config()
                .workers(1)
                .heartbeatInterval(Duration.ofMillis(500))
                .deadAfter(deadAfter)
                .build());
    leader.start();
    Sink.await(Duration.ofSeconds(10), "the leader to lead", leader::isLeader);
    fixture.insert(leader, tasks("/gate", 1, Duration.ofMinutes(1)));
    Sink.await(Duration.ofSeconds(10), "the leader's worker busy", () -> sink.inFlight() == 1);

    EngineProcess.Child sleeper =
        child("sleeper", "heartbeat-interval=500ms", "dead-after=" + deadAfter.toSeconds() + "s");
    int held = 5;
    fixture.insert(leader, tasks("/held", held, Duration.ofMinutes(1)));
    Sink.await(
        Duration.ofSeconds(30),
        "the sleeper to have every task in flight",
        () -> received("/held", "1").size() == held);

    sleeper.pause();
    Sink.await(
        HANDED_ON_WITHIN,
        "the paused node declared dead and its tasks handed on",
        () -> fixture.count(lostBecauseDeclaredDead("sleeper")) == held);
    gate.countDown();
    Sink.await(
        Duration.ofSeconds(30),
        "the leader to deliver the handed-on tasks",
        () ->
            fixture.count(
                    "SELECT count(*) FROM executions WHERE status = 'success' AND final"
                        + " AND attempt = 2 AND node = '"
                        + leader.config().nodeId()
                        + "'")
                == held);

    // Back from the pause: its first attempts get their answers now, too late.
    sleeper.resume();
    resumed.countDown();
    Sink.await(
        Duration.ofSeconds(30),
        "the sleeper's late completions refused",
        () -> sleeper.rejected() == held);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE node = 'sleeper'"))
        .as("the paused node wrote no execution")
        .isZero();
    assertThat(received("/held", "1")).as("nothing sent again by the paused node").hasSize(held);
    assertThat(received("/held", "2")).hasSize(held);
    Sink.await(
        Duration.ofSeconds(10),
        "the sleeper to register again",
        () -> {
          try {
            return nodeState("sleeper").equals("alive");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    // It claims again: with the leader gone, it delivers new work itself.
    leader.stop();
    fixture.insert(leader, tasks("/after", 3, Duration.ofMinutes(1)));
    Sink.await(
        Duration.ofSeconds(30),
        "the sleeper to deliver new tasks",
        () ->
            fixture.count(
                    "SELECT count(*) FROM executions WHERE status = 'success' AND node = 'sleeper'")
                == 3);
  }

  @Test
  void a_paused_leader_is_replaced_and_its_tasks_are_handed_on() throws Exception {
    sink.respond(this::holdFirstAttempts);
    Duration deadAfter = Duration.ofSeconds(3);
    EngineProcess.Child frozen =
        child(
            "frozen-leader",
            "heartbeat-interval=500ms",
            "dead-after=" + deadAfter.toSeconds() + "s");
    Engine next =
        fixture.engine(
            fixture
                .config()
                .heartbeatInterval(Duration.ofMillis(500))
                .deadAfter(deadAfter)
                .build());
    Sink.await(
        Duration.ofSeconds(10),
        "the child to lead",
        () -> {
          try {
            return next.nodes().list().stream()
                .anyMatch(n -> n.leader() && n.id().equals("frozen-leader"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    fixture.insert(next, tasks("/work", TASKS, Duration.ofMinutes(5)));
    Sink.await(
        Duration.ofSeconds(30),
        "the leader to have every task in flight",
        () -> received("/work", "1").size() == TASKS);
    next.start();
    next.maintainOnce();
    assertThat(next.isLeader()).as("the lock is held while the leader heartbeats").isFalse();

    frozen.pause();
    Sink.await(HANDED_ON_WITHIN, "another node to lead", next::isLeader);
    Sink.await(
        HANDED_ON_WITHIN,
        "the paused leader's tasks delivered again",
        () -> received("/work", "2").size() == TASKS);
    assertThat(fixture.count(lostBecauseDeclaredDead("frozen-leader"))).isEqualTo(TASKS);
    assertThat(nodeState("frozen-leader")).isEqualTo("dead");
    frozen.kill();
  }
}
