package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.RunlaterApplication;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.support.Fixtures;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Checks are tasks in the database: a server that stops and starts again goes on checking. */
class UptimeChecksRestartTest {
  static final Duration WITHIN = Duration.ofSeconds(30);

  static ConfigurableApplicationContext node(String database, Path dataDir) {
    return new SpringApplicationBuilder(RunlaterApplication.class)
        .run(
            "--server.port=0",
            "--runlater.database-url=" + TestPostgres.jdbcUrl(database),
            "--runlater.data-dir=" + dataDir,
            "--runlater.engine.allow-private-targets=127.0.0.0/8",
            "--runlater.engine.poll-interval=200ms",
            "--runlater.rate-limits.enabled=false");
  }

  static CheckFixtures monitors(ConfigurableApplicationContext node) {
    return new CheckFixtures(
        node.getBean(JdbcClient.class),
        node.getBean(TransactionTemplate.class),
        node.getBean(TransactionalConnection.class),
        node.getBean(UptimeChecks.class));
  }

  @Test
  void checks_go_on_after_a_restart(@TempDir Path dataDir) {
    String database = TestPostgres.freshDatabase();
    try (Sink target =
        Sink.start()
            .respond(r -> Sink.Reply.status(200).withBody("ok".getBytes(StandardCharsets.UTF_8)))) {
      UUID id;
      long before;
      try (ConfigurableApplicationContext first = node(database, dataDir)) {
        UUID org = first.getBean(Fixtures.class).tenant().id();
        CheckFixtures monitors = monitors(first);
        id = monitors.create(org, "api", CheckFixtures.Spec.http(target.url("/health")));
        Sink.await(WITHIN, "two checks", () -> monitors.checks(id) >= 2);
        assertThat(monitors.state(id)).isEqualTo("up");
      }
      before = target.count();

      try (ConfigurableApplicationContext second = node(database, dataDir)) {
        CheckFixtures monitors = monitors(second);
        long checks = monitors.checks(id);
        Sink.await(WITHIN, "two more checks", () -> monitors.checks(id) >= checks + 2);
        assertThat(target.count()).isGreaterThanOrEqualTo((int) before + 2);
        assertThat(monitors.state(id)).isEqualTo("up");
        // Still one chain: one check task at a time.
        assertThat(monitors.tasks(id)).isEqualTo(1);
      }
    }
  }
}
