package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.RunlaterApplication;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs live in the database and move through engine tasks, so nodes may come and go: a sleep
 * outlives the node that started it, and three engines on one database finish every run of a
 * five-step workflow when one of them is killed with SIGKILL mid-run — each step delivered at least
 * once, and twice only when it was in flight on the killed node.
 */
@Tag(ServerTest.ALONE)
class WorkflowCrashTest {
  /**
   * Runs of the five-step workflow: 1,000, as the issue asks (about 100 s on a heavily loaded
   * two-core machine); fewer for a quick look with {@code -Drunlater.workflow-crash.runs=200}.
   */
  static final int RUNS = Integer.getInteger("runlater.workflow-crash.runs", 1_000);

  static final int STEPS = 5;
  static final Duration WITHIN = Duration.ofSeconds(Math.max(120, RUNS * 3 / 5));
  static final String SECRET_KEY = eu.runlater.engine.SecretBox.generateKey();

  static String[] args(String database, Path dataDir, int port) {
    return new String[] {
      "--server.port=" + port,
      "--runlater.database-url=" + TestPostgres.jdbcUrl(database),
      "--runlater.data-dir=" + dataDir,
      "--runlater.engine.allow-private-targets=127.0.0.0/8",
      "--runlater.engine.poll-interval=200ms",
      "--runlater.engine.backoff-base=100ms",
      "--runlater.engine.backoff-max=200ms",
      "--runlater.secret-key=" + SECRET_KEY,
      "--runlater.rate-limits.enabled=false"
    };
  }

  static ConfigurableApplicationContext node(String database, Path dataDir) {
    return new SpringApplicationBuilder(RunlaterApplication.class).run(args(database, dataDir, 0));
  }

  static Api api(ConfigurableApplicationContext node) {
    return new Api(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
  }

  static void define(Api api, String key, String body) {
    var r = api.post("/api/v1/workflows", key, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  static String start(Api api, String key, String workflow) {
    var r = api.post("/api/v1/workflows/" + workflow + "/runs", key, "{\"input\": {}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static long count(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }

  @Test
  void a_sleep_outlives_the_node_that_started_it(@TempDir Path dataA, @TempDir Path dataB) {
    String database = TestPostgres.freshDatabase();
    try (Sink target = Sink.start()) {
      String runId;
      Fixtures.Tenant tenant;
      Instant started;
      try (ConfigurableApplicationContext a = node(database, dataA)) {
        tenant = a.getBean(Fixtures.class).tenant();
        define(
            api(a),
            tenant.key(),
            """
            {"key": "nap", "steps": [
              {"name": "nap", "kind": "sleep", "duration": "3s"},
              {"name": "wake", "kind": "http", "url": "%s", "depends_on": ["nap"]}]}
            """
                .formatted(target.url("/wake")));
        started = Instant.now();
        runId = start(api(a), tenant.key(), "nap");
      }
      assertThat(target.count()).isZero();
      try (ConfigurableApplicationContext b = node(database, dataB)) {
        Api api = api(b);
        Sink.await(
            WITHIN,
            "the run to succeed on the second node",
            () ->
                api.get("/api/v1/workflow-runs/" + runId, tenant.key())
                    .json()
                    .get("state")
                    .asString()
                    .equals("succeeded"));
        assertThat(target.count()).isEqualTo(1);
        assertThat(target.received().getFirst().at()).isAfterOrEqualTo(started.plusSeconds(3));
      }
    }
  }

  @Test
  void every_run_completes_when_one_of_three_engines_is_killed_mid_run(
      @TempDir Path dataA, @TempDir Path dataB, @TempDir Path dataC) throws Exception {
    String database = TestPostgres.freshDatabase();
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // Slow enough that the killed node has deliveries in flight.
    try (Sink target =
            Sink.start()
                .respond(
                    r ->
                        Sink.Reply.status(200)
                            .withBody("{}".getBytes(StandardCharsets.UTF_8))
                            .after(Duration.ofMillis(20)));
        ConfigurableApplicationContext b = node(database, dataB)) {
      Process a = startProcess(database, dataA, port);
      try (ConfigurableApplicationContext c = node(database, dataC)) {
        JdbcClient jdbc = b.getBean(JdbcClient.class);
        Fixtures.Tenant tenant = b.getBean(Fixtures.class).tenant();
        Api apiB = api(b);
        Sink.await(WITHIN, "node A answers", () -> health(new Api(port)) == 200);
        StringBuilder steps = new StringBuilder();
        for (int i = 1; i <= STEPS; i++) {
          steps
              .append(i == 1 ? "" : ", ")
              .append(
                  """
                  {"name": "s%d", "kind": "http", "url": "%s", "retries": 5%s}"""
                      .formatted(
                          i,
                          target.url("/s" + i),
                          i == 1 ? "" : ", \"depends_on\": [\"s" + (i - 1) + "\"]"));
        }
        define(apiB, tenant.key(), "{\"key\": \"five\", \"steps\": [" + steps + "]}");
        Instant begun = Instant.now();
        for (int i = 0; i < RUNS; i++) {
          start(apiB, tenant.key(), "five");
        }
        Sink.await(WITHIN, "a third of the deliveries", () -> target.count() >= RUNS * STEPS / 3);
        // Node A is one of those delivering: it holds work when it dies.
        Sink.await(
            WITHIN,
            "all three nodes delivering",
            () -> count(jdbc, "SELECT count(DISTINCT node) FROM executions") >= 3);
        a.destroyForcibly(); // SIGKILL: no shutdown, leases left behind
        assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now();

        Sink.await(
            WITHIN,
            "every run to end",
            () -> count(jdbc, "SELECT count(*) FROM workflow_runs WHERE state = 'running'") == 0);
        Instant ended = Instant.now();
        assertThat(count(jdbc, "SELECT count(*) FROM workflow_runs WHERE state = 'succeeded'"))
            .isEqualTo(RUNS);
        assertThat(count(jdbc, "SELECT count(*) FROM workflow_run_steps WHERE state = 'succeeded'"))
            .isEqualTo((long) RUNS * STEPS);

        // The killed node's running tasks were handed on, each leaving a lost attempt.
        long lost = count(jdbc, "SELECT count(*) FROM executions WHERE status = 'lost'");

        Map<String, List<Instant>> byKey = new HashMap<>();
        for (Sink.Received r : target.received()) {
          byKey.computeIfAbsent(r.header("Idempotency-Key"), k -> new ArrayList<>()).add(r.at());
        }
        assertThat(byKey).hasSize(RUNS * STEPS);
        List<String> duplicated =
            byKey.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey)
                .toList();
        for (String key : duplicated) {
          // A repeat is the step that was in flight when its node died: sent before the kill.
          assertThat(byKey.get(key).getFirst()).as(key).isBefore(killed);
        }
        // Each run's steps went in order: a step never before the one it depends on.
        Map<String, Instant[]> firsts = new HashMap<>();
        for (var e : byKey.entrySet()) {
          String[] parts = e.getKey().split("/");
          int step = Integer.parseInt(parts[1].substring(1));
          firsts.computeIfAbsent(parts[0], k -> new Instant[STEPS + 1])[step] =
              e.getValue().stream().min(Instant::compareTo).orElseThrow();
        }
        for (var e : firsts.entrySet()) {
          for (int i = 2; i <= STEPS; i++) {
            assertThat(e.getValue()[i]).as(e.getKey() + " s" + i).isAfter(e.getValue()[i - 1]);
          }
        }
        System.out.printf(
            "workflow crash: %d runs, %d deliveries, %d steps delivered twice, %d attempts lost,"
                + " %d ms from the first start to the last run's end%n",
            RUNS,
            target.count(),
            duplicated.size(),
            lost,
            Duration.between(begun, ended).toMillis());
      } finally {
        a.destroyForcibly();
      }
    }
  }

  private static int health(Api api) {
    try {
      return api.get("/health", null).status();
    } catch (RuntimeException notYet) {
      return 0;
    }
  }

  /** Node A as a process of its own, so that it can be killed; its output goes to its data dir. */
  private static Process startProcess(String database, Path dataDir, int port) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // C1 only, as the test JVMs (the root pom's surefire.jvm.args).
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RunlaterApplication.class.getName());
    command.addAll(List.of(args(database, dataDir, port)));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("node-a.log").toFile())
        .start();
  }
}
