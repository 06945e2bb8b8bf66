package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.RunlaterApplication;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A node acknowledges a webhook, starts forwarding it, and is killed with SIGKILL before the
 * forward is done: another node on the same database forwards it. The request, its forward and the
 * forward's task committed together before the 202, so nothing of it lived only in the dead node.
 */
@Tag(ServerTest.ALONE)
class InboundKillTest {
  /** Both nodes seal secrets with one key, as a cluster must. */
  static final String SECRET_KEY = eu.runlater.engine.SecretBox.generateKey();

  static final Duration WITHIN = Duration.ofSeconds(120);

  private static String[] settings(String database, Path dataDir, int port) {
    return new String[] {
      "--server.port=" + port,
      "--runlater.database-url=" + TestPostgres.jdbcUrl(database),
      "--runlater.data-dir=" + dataDir,
      "--runlater.engine.allow-private-targets=127.0.0.0/8",
      "--runlater.engine.poll-interval=200ms",
      "--runlater.secret-key=" + SECRET_KEY,
      "--runlater.rate-limits.enabled=false"
    };
  }

  private static ConfigurableApplicationContext node(String database, Path dataDir) {
    return new SpringApplicationBuilder(RunlaterApplication.class)
        .run(settings(database, dataDir, 0));
  }

  private static Process process(String database, Path dataDir, int port) throws Exception {
    var command = new java.util.ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // C1 alone: a node that starts, forwards one request and is killed never needs C2's code, and
    // on two busy cores C2's compiling was most of its start.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RunlaterApplication.class.getName());
    command.addAll(java.util.List.of(settings(database, dataDir, port)));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("node-a.log").toFile())
        .start();
  }

  private static int health(Api api) {
    try {
      return api.get("/health", null).status();
    } catch (RuntimeException notYet) {
      return 0;
    }
  }

  @Test
  void a_webhook_acknowledged_by_a_node_killed_mid_forward_is_forwarded_by_another(
      @TempDir Path dataA, @TempDir Path dataB) throws Exception {
    String database = TestPostgres.freshDatabase();
    Fixtures.Tenant tenant;
    // The tenant is made through a node that then stops, so only node A runs while it forwards.
    try (ConfigurableApplicationContext setup = node(database, dataB)) {
      tenant = setup.getBean(Fixtures.class).tenant();
    }
    AtomicInteger calls = new AtomicInteger();
    try (Sink sink =
        Sink.start()
            .respond(
                r ->
                    calls.incrementAndGet() == 1
                        // The first attempt never gets its answer: its node dies meanwhile.
                        ? Sink.Reply.status(200).after(Duration.ofSeconds(90))
                        : Sink.Reply.status(200))) {
      int port;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        port = free.getLocalPort();
      }
      Process a = process(database, dataA, port);
      try {
        Api api = new Api(port);
        Sink.await(WITHIN, "node A answers", () -> health(api) == 200);
        JsonNode source =
            api.post("/api/v1/sources", tenant.key(), "{\"name\": \"stripe\"}").json();
        var connection =
            api.post(
                "/api/v1/connections",
                tenant.key(),
                "{\"source_id\": \"%s\", \"name\": \"billing\", \"destination_url\": \"%s\"}"
                    .formatted(source.get("id").asString(), sink.url("/billing")));
        assertThat(connection.status()).as(connection.body()).isEqualTo(201);
        var answer =
            api.send(
                api.request(source.get("url").asString().replaceFirst("^http://[^/]+", ""))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"evt_kill\"}")));
        assertThat(answer.status()).isEqualTo(202);
        String eventId = answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();

        sink.awaitCount(1, WITHIN);
        a.destroyForcibly(); // SIGKILL, mid-forward
        assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();

        try (ConfigurableApplicationContext b = node(database, dataB)) {
          sink.awaitCount(2, WITHIN);
          Sink.Received forwarded = sink.received().get(1);
          assertThat(new String(forwarded.body(), StandardCharsets.UTF_8))
              .isEqualTo("{\"id\": \"evt_kill\"}");
          Api apiB = new Api(Integer.parseInt(b.getEnvironment().getProperty("local.server.port")));
          Sink.await(
              WITHIN,
              "the forward's attempts in history",
              () ->
                  apiB.get("/api/v1/inbound-events/" + eventId, tenant.key())
                          .json()
                          .get("forwards")
                          .get(0)
                          .get("attempts")
                          .size()
                      == 2);
          JsonNode attempts =
              apiB.get("/api/v1/inbound-events/" + eventId, tenant.key())
                  .json()
                  .get("forwards")
                  .get(0)
                  .get("attempts");
          assertThat(attempts.get(0).get("status").asString()).isEqualTo("lost");
          assertThat(attempts.get(1).get("status").asString()).isEqualTo("success");
        }
      } finally {
        a.destroyForcibly();
      }
    }
  }
}
