package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.RunlaterApplication;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A node records a failure and stops before its dispatcher sends the alert; a new node on the same
 * database sends it, exactly once per incident.
 */
class AlertCrashTest {
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

  static long count(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }

  @Test
  void an_alert_recorded_before_a_crash_is_sent_once_by_the_next_node(@TempDir Path dataDir) {
    String database = TestPostgres.freshDatabase();
    try (Sink target = Sink.start().respond(r -> Sink.Reply.status(503));
        Sink hooks = Sink.start()) {
      String key;
      try (ConfigurableApplicationContext first = node(database, dataDir)) {
        // The first node never dispatches: it dies between the failure and the alert.
        first.getBean(Dispatcher.class).stop();
        Fixtures.Tenant tenant = first.getBean(Fixtures.class).tenant();
        key = tenant.key();
        Api api =
            new Api(Integer.parseInt(first.getEnvironment().getProperty("local.server.port")));
        Api.Response channel =
            api.post(
                "/api/v1/alert-channels",
                key,
                "{\"name\":\"hook\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                    + hooks.url("/alerts")
                    + "\"}}");
        assertThat(channel.status()).as(channel.toString()).isEqualTo(201);
        for (String name : new String[] {"backup", "sync"}) {
          Api.Response job =
              api.post(
                  "/api/v1/jobs",
                  key,
                  """
                  {"name": "%s", "url": "%s", "retries": 0,
                   "schedule": {"type": "once", "at": "%s"}}
                  """
                      .formatted(name, target.url("/" + name), Instant.now()));
          assertThat(job.status()).as(job.toString()).isEqualTo(201);
        }
        JdbcClient jdbc = first.getBean(JdbcClient.class);
        Sink.await(
            WITHIN,
            "both failures in the outbox",
            () -> count(jdbc, "SELECT count(*) FROM alert_pending") == 2);
        assertThat(count(jdbc, "SELECT count(*) FROM alert_notifications")).isZero();
      }
      assertThat(hooks.count()).isZero();

      try (ConfigurableApplicationContext second = node(database, dataDir)) {
        JdbcClient jdbc = second.getBean(JdbcClient.class);
        hooks.awaitCount(1, WITHIN);
        Sink.await(
            WITHIN,
            "the outbox to empty",
            () -> count(jdbc, "SELECT count(*) FROM alert_pending") == 0);
        String body = new String(hooks.received().getFirst().body(), StandardCharsets.UTF_8);
        assertThat(body).contains("2 jobs are failing: backup, sync");
        assertThat(count(jdbc, "SELECT count(*) FROM alert_notifications")).isEqualTo(1);
        assertThat(
                count(
                    jdbc,
                    "SELECT count(*) FROM alert_incidents WHERE state = 'open'"
                        + " AND last_alert_at IS NOT NULL"))
            .isEqualTo(2);
        // A further pass finds nothing to send: told once.
        assertThat(second.getBean(Dispatcher.class).runOnce(Instant.now()).messages()).isZero();
        assertThat(hooks.count()).isEqualTo(1);
      }
    }
  }
}
