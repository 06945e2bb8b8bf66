package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import eu.runlater.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL mid-delivery: its leases expire, the rescuer hands its tasks to a
 * surviving node, every task is delivered, and only the tasks that were in flight at the kill are
 * delivered twice, each time under the same webhook-id.
 */
class CrashTest {
  static final int TASKS = 60;
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();
  Process child;

  @AfterEach
  void close() {
    if (child != null) {
      child.destroyForcibly();
    }
    fixture.close();
    sink.close();
  }

  @Test
  void a_killed_node_s_tasks_are_rescued_and_delivered_with_their_webhook_ids() throws Exception {
    sink.respond(r -> Reply.status(200).after(Duration.ofMillis(700)));
    child = startChild("doomed-node");

    Engine inserter = fixture.engine(fixture.config().build()); // not started: inserts only
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      tasks.add(fixture.task(sink.url("/crash")));
    }
    fixture.insert(inserter, tasks);
    Sink.await(
        Duration.ofSeconds(30),
        "the child to have deliveries in flight",
        () -> sink.inFlight() >= 10);

    child.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Set<UUID> inFlightAtKill =
        new HashSet<>(
            fixture.db.withConnection(
                c ->
                    Db.query(
                        c,
                        "SELECT id FROM tasks WHERE state = 'running' AND claimed_by = 'doomed-node'",
                        Db.Params.of(),
                        rs -> rs.getObject(1, UUID.class))));
    assertThat(inFlightAtKill).isNotEmpty();

    sink.respond(r -> Reply.status(200));
    Engine survivor = fixture.engine(fixture.config().build());
    survivor.start();
    Sink.await(
        Duration.ofSeconds(60),
        "every task to reach a final execution",
        () -> {
          try {
            return fixture.count("SELECT count(*) FROM executions WHERE final") == TASKS
                && fixture.count("SELECT count(*) FROM tasks") == 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    Map<String, List<Sink.Received>> byTask = new HashMap<>();
    for (Sink.Received r : sink.received()) {
      String body = new String(r.body(), StandardCharsets.UTF_8);
      byTask.computeIfAbsent(body, k -> new ArrayList<>()).add(r);
    }
    assertThat(byTask).hasSize(TASKS);
    Set<UUID> duplicated = new HashSet<>();
    for (var deliveries : byTask.values()) {
      String webhookId = deliveries.getFirst().header("webhook-id");
      assertThat(deliveries).extracting(r -> r.header("webhook-id")).containsOnly(webhookId);
      if (deliveries.size() > 1) {
        duplicated.add(UUID.fromString(webhookId));
      }
    }
    assertThat(inFlightAtKill).containsAll(duplicated);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'lost'"))
        .isEqualTo(inFlightAtKill.size());
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success' AND final"))
        .isEqualTo(TASKS);
  }

  private Process startChild(String nodeId) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                // C1 only, as the test JVMs (the root pom's surefire.jvm.args).
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                EngineProcess.class.getName(),
                TestPostgres.jdbcUrl(fixture.database),
                nodeId)
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains("READY")) {
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
        return process;
      }
    }
    throw new AssertionError("the engine process exited before it was ready");
  }
}
