package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault battery's R6 in short: a rolling restart under load. Three engines deliver a steady
 * stream of tasks; one after another each is stopped the way the server stops it on SIGTERM ({@link
 * Engine#stop()}, which the server's lifecycle calls when Spring closes on the signal: claiming
 * stops, in-flight deliveries finish within the grace) and a new node takes its place. Lost 0,
 * duplicated 0 (every task delivered exactly once, no lost attempt recorded), and nothing stuck: a
 * stopped node holds no task once its stop returns, and no task is left at the end.
 */
class ClusterRollingStopTest {
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  @Test
  void a_rolling_stop_of_every_node_loses_and_repeats_nothing() throws Exception {
    sink.respond(r -> Reply.status(200).after(Duration.ofMillis(150)));
    List<Engine> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Engine engine = fixture.engine(fixture.config().build());
      engine.start();
      first.add(engine);
    }

    SteadyLoad load =
        new SteadyLoad("r6-load", fixture, sink.url("/r6"), 5_000, i -> i < 6 ? 0 : 250L * i);

    for (Engine old : first) {
      String node = old.config().nodeId();
      Sink.await(
          Duration.ofSeconds(60),
          node + " to have deliveries in flight",
          () -> fixture.count("SELECT count(*) FROM tasks WHERE claimed_by = '" + node + "'") > 0);
      old.stop();
      assertThat(fixture.count("SELECT count(*) FROM tasks WHERE claimed_by = '" + node + "'"))
          .as("tasks %s still holds after its stop", node)
          .isZero();
      Engine next = fixture.engine(fixture.config().build());
      next.start();
      String nextNode = next.config().nodeId();
      Sink.await(
          Duration.ofSeconds(60),
          nextNode + " to deliver",
          () ->
              fixture.count("SELECT count(*) FROM executions WHERE node = '" + nextNode + "'") > 0);
    }
    Set<UUID> inserted = load.stop();
    Sink.await(
        Duration.ofMinutes(2),
        "every task to finish",
        () -> fixture.count("SELECT count(*) FROM tasks") == 0 && sink.inFlight() == 0);

    Map<UUID, Integer> deliveries = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      deliveries.merge(
          UUID.fromString(new String(r.body(), StandardCharsets.UTF_8)), 1, Integer::sum);
    }
    System.out.printf(
        "R6: %d tasks, %d deliveries over a rolling stop of 3 nodes%n",
        inserted.size(), sink.count());
    assertThat(deliveries.keySet()).as("lost").containsExactlyInAnyOrderElementsOf(inserted);
    assertThat(deliveries.values()).as("duplicated").containsOnly(1);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost'")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success' AND final"))
        .isEqualTo(inserted.size());
    assertThat(fixture.count("SELECT count(*) FROM executions")).isEqualTo(inserted.size());
    assertThat(fixture.count("SELECT count(*) FROM tasks")).as("stuck").isZero();
  }
}
