package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.ClaimHook;
import eu.runlater.engine.Engine;
import eu.runlater.engine.EngineConfig;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SigningSecrets;
import eu.runlater.engine.TargetPolicy;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A thousand cron jobs on two engines (this node's and a second one on the same database) for eight
 * rounds: every occurrence of every job runs exactly once — no duplicates, no gaps. A round of a
 * thousand runs finishes within about a second of its occurrence on a busy 2-core machine, so every
 * five seconds leaves room; a round running into the next would be recorded as missed (catch-up
 * {@code latest}) and fail the test.
 */
@org.junit.jupiter.api.Tag(eu.runlater.support.ServerTest.ALONE)
class CronClusterTest extends ServerTest {
  static final int JOBS = 1_000;
  static final Duration PERIOD = Duration.ofSeconds(5);
  static final String EVERY_FIVE_SECONDS = "*/5 * * * * *";

  /**
   * Rounds of a thousand to wait for: eight rounds (8,000 runs, every job's first and last run cut
   * off by the sync and the pause) show the same as fourteen did, in 30 s less of the suite's
   * one-JVM phase.
   */
  static final int ROUNDS = 8;

  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired TargetPolicy targets;
  @Autowired SecretBox secrets;
  @Autowired SigningSecrets signing;
  @Autowired java.util.List<ClaimHook> hooks; // in their order, chained as the server does
  final Sink sink = Sink.start();
  Engine second;

  @AfterEach
  void stop() {
    if (second != null) {
      second.close();
    }
    sink.close();
  }

  @Test
  void every_occurrence_of_a_thousand_cron_jobs_runs_exactly_once_on_two_engines()
      throws Exception {
    String url = TestPostgres.jdbcUrl(sharedDatabase());
    second =
        Engine.builder(EngineConfig.builder("second-node").workers(50).build())
            .database(dataSource, () -> DriverManager.getConnection(url, "postgres", null))
            .targets(targets)
            .secrets(secrets, signing)
            .hook(ClaimHook.chain(hooks))
            .build();
    second.start();

    var tenant = fixtures.tenant();
    StringBuilder set = new StringBuilder("{\"jobs\": [");
    for (int i = 0; i < JOBS; i++) {
      set.append(i == 0 ? "" : ",")
          .append(
              """
              {"key": "tick-%d", "name": "tick %d", "url": "%s",
               "schedule": {"type": "cron", "expression": "%s", "timezone": "UTC"}}
              """
                  .formatted(i, i, sink.url("/tick/" + i), EVERY_FIVE_SECONDS));
    }
    var created = api.put("/api/v1/sync", tenant.key(), set.append("]}").toString());
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    // Eight rounds of a thousand: about forty seconds.
    sink.awaitCount(JOBS * ROUNDS, Duration.ofMinutes(4));
    // Each job's tasks as the rounds end, for a failure to tell a lost chain from a stuck task.
    Map<UUID, List<String>> tasksAtEnd = new HashMap<>();
    jdbc.sql(
            "SELECT j.id, t.id = j.pending_task_id AS pending, t.state, t.run_at, t.scheduled_for,"
                + " t.attempt, t.claimed_by, t.lease_expires_at FROM jobs j"
                + " LEFT JOIN tasks t ON t.source_id = j.id WHERE j.organization_id = :o")
        .param("o", tenant.id())
        .query(
            (rs, n) ->
                tasksAtEnd
                    .computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                    .add(
                        "pending=%s state=%s run_at=%s scheduled_for=%s attempt=%s claimed_by=%s lease_expires_at=%s"
                            .formatted(
                                rs.getObject(2),
                                rs.getString(3),
                                rs.getObject(4),
                                rs.getObject(5),
                                rs.getObject(6),
                                rs.getString(7),
                                rs.getObject(8))))
        .list();
    Instant roundsEnded = Instant.now();
    // Stop the schedules: pause every job, then let the runs in flight finish.
    api.put("/api/v1/sync", tenant.key(), "{\"jobs\": []}");
    Sink.await(
        Duration.ofSeconds(60),
        "no run in flight",
        () ->
            jdbc.sql("SELECT count(*) FROM tasks WHERE organization_id = :o")
                    .param("o", tenant.id())
                    .query(Long.class)
                    .single()
                == 0);

    Map<UUID, List<Instant>> runs = new HashMap<>();
    Map<UUID, List<String>> runDetails = new HashMap<>();
    jdbc.sql(
            "SELECT source_id, scheduled_for, status, started_at, node, task_id, attempt"
                + " FROM executions WHERE organization_id = :o ORDER BY scheduled_for")
        .param("o", tenant.id())
        .query(
            (rs, n) -> {
              assertThat(rs.getString("status")).isEqualTo("success");
              UUID job = rs.getObject(1, UUID.class);
              runs.computeIfAbsent(job, k -> new ArrayList<>())
                  .add(rs.getObject(2, OffsetDateTime.class).toInstant());
              runDetails
                  .computeIfAbsent(job, k -> new ArrayList<>())
                  .add(
                      "scheduled_for=%s started_at=%s node=%s task=%s attempt=%s"
                          .formatted(
                              rs.getObject(2),
                              rs.getObject(4),
                              rs.getString(5),
                              rs.getObject(6),
                              rs.getInt(7)));
              return null;
            })
        .list();
    assertThat(runs).hasSize(JOBS);
    int total = 0;
    for (var e : runs.entrySet()) {
      List<Instant> times = e.getValue();
      assertThat(times.size())
          .as(
              "runs of job %s: %s; its tasks when the rounds ended (%s): %s",
              e.getKey(), runDetails.get(e.getKey()), roundsEnded, tasksAtEnd.get(e.getKey()))
          .isGreaterThanOrEqualTo(ROUNDS - 2);
      for (int i = 1; i < times.size(); i++) {
        assertThat(Duration.between(times.get(i - 1), times.get(i)))
            .as("job %s between %s and %s", e.getKey(), times.get(i - 1), times.get(i))
            .isEqualTo(PERIOD);
      }
      total += times.size();
    }
    assertThat(sink.count()).isEqualTo(total);
    Map<String, Integer> perDelivery = new HashMap<>();
    sink.received().forEach(r -> perDelivery.merge(r.header("webhook-id"), 1, Integer::sum));
    assertThat(perDelivery.values()).containsOnly(1);
    // Both engines took part.
    assertThat(
            jdbc.sql("SELECT count(DISTINCT node) FROM executions WHERE organization_id = :o")
                .param("o", tenant.id())
                .query(Long.class)
                .single())
        .isGreaterThanOrEqualTo(2);
  }
}
