package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.RunlaterApplication;
import eu.runlater.engine.SqlTime;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two nodes on one database; one dies while heartbeats are due. First as a process killed with
 * SIGKILL (no shutdown, no goodbye) after it took the monitors and their pings; then in the middle
 * of its sweep (its database session ends with the monitors' rows locked and nothing committed, as
 * when the process is killed: PostgreSQL rolls the transaction back when the connection drops). The
 * other node notices the missing pings and marks every monitor down on time, alerting once for
 * each.
 */
@Tag(ServerTest.ALONE)
class HeartbeatKillTest {
  static final int MONITORS = 20;
  static final Duration WITHIN = Duration.ofSeconds(30);

  /** Both nodes seal secrets with one key, as a cluster must. */
  static final String SECRET_KEY = eu.runlater.engine.SecretBox.generateKey();

  static ConfigurableApplicationContext node(String database, Path dataDir) {
    return new SpringApplicationBuilder(RunlaterApplication.class)
        .run(
            "--server.port=0",
            "--runlater.database-url=" + TestPostgres.jdbcUrl(database),
            "--runlater.data-dir=" + dataDir,
            "--runlater.engine.allow-private-targets=127.0.0.0/8",
            "--runlater.engine.poll-interval=200ms",
            "--runlater.secret-key=" + SECRET_KEY,
            "--runlater.rate-limits.enabled=false");
  }

  @Test
  void when_a_node_is_killed_the_other_notices_the_missing_pings_on_time(
      @TempDir Path dataA, @TempDir Path dataB) throws Exception {
    String database = TestPostgres.freshDatabase();
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Process a = startProcess(database, dataA, port);
    try (ConfigurableApplicationContext b = node(database, dataB)) {
      JdbcClient jdbc = b.getBean(JdbcClient.class);
      Fixtures.Tenant tenant = b.getBean(Fixtures.class).tenant();
      Api api = new Api(port);
      Sink.await(Duration.ofSeconds(120), "node A answers", () -> health(api) == 200);
      createPinged(api, tenant);
      assertThat(
              jdbc.sql("SELECT count(*) FROM monitors WHERE state = 'up'")
                  .query(Long.class)
                  .single())
          .isEqualTo(MONITORS);
      Duration grace = Duration.ofSeconds(2);
      Instant due = Instant.now().plusSeconds(4);
      dueSoon(jdbc, due, grace);
      a.destroyForcibly(); // SIGKILL
      assertThat(a.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      allDownOnTime(jdbc, due.plus(grace));
    } finally {
      a.destroyForcibly();
    }
  }

  /** Creates {@link #MONITORS} monitors (a ping a minute, a minute of grace) and pings each. */
  private static void createPinged(Api api, Fixtures.Tenant tenant) {
    for (int i = 0; i < MONITORS; i++) {
      var created =
          api.post(
              "/api/v1/monitors",
              tenant.key(),
              "{\"name\": \"cron-" + i + "\", \"period\": \"1m\", \"grace\": \"1m\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String pingUrl = created.json().get("ping_url").asString();
      assertThat(api.get(pingUrl.replaceFirst("^http://[^/]+", ""), null).status()).isEqualTo(200);
    }
  }

  /**
   * Shortens the wait: the pings were "57 s ago", due at {@code due}, with {@code grace} (below the
   * API's minimum, so set in the database: the test is about who notices, not how long).
   */
  private static void dueSoon(JdbcClient jdbc, Instant due, Duration grace) {
    jdbc.sql(
            "UPDATE monitors SET due_at = :due, transition_at = :due, grace_s = :grace,"
                + " last_ping_at = :due - interval '60 seconds'")
        .param("due", SqlTime.ts(due))
        .param("grace", (int) grace.toSeconds())
        .update();
  }

  /**
   * Every monitor goes down on time: not before {@code deadline} (due + grace), and within the
   * sweep interval (1 s) and a little scheduling slack of it; each with one alert incident.
   */
  private static void allDownOnTime(JdbcClient jdbc, Instant deadline) {
    Sink.await(
        WITHIN,
        "every monitor down",
        () ->
            jdbc.sql("SELECT count(*) FROM monitors WHERE state = 'down'")
                    .query(Long.class)
                    .single()
                == MONITORS);
    List<Instant> downAt =
        jdbc.sql("SELECT at FROM monitor_events WHERE to_state = 'down' ORDER BY at")
            .query((rs, n) -> SqlTime.instant(rs, "at"))
            .list();
    assertThat(downAt).hasSize(MONITORS);
    assertThat(downAt.getFirst()).isAfterOrEqualTo(deadline);
    assertThat(downAt.getLast()).isBefore(deadline.plusSeconds(3));
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM alert_incidents WHERE subject_kind = 'monitor' AND"
                        + " condition = 'down' AND state IN ('pending', 'open')")
                .query(Long.class)
                .single())
        .isEqualTo(MONITORS);
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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx512m",
            // C1 alone: a node that starts, takes a few pings and is killed never needs C2's
            // code, and on two busy cores C2's compiling was most of its start.
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            RunlaterApplication.class.getName(),
            "--server.port=" + port,
            "--runlater.database-url=" + TestPostgres.jdbcUrl(database),
            "--runlater.data-dir=" + dataDir,
            "--runlater.engine.allow-private-targets=127.0.0.0/8",
            "--runlater.engine.poll-interval=200ms",
            "--runlater.secret-key=" + SECRET_KEY,
            "--runlater.rate-limits.enabled=false")
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("node-a.log").toFile())
        .start();
  }

  @Test
  void when_a_node_dies_mid_sweep_the_other_marks_the_silent_monitors_down_on_time(
      @TempDir Path dataA, @TempDir Path dataB) throws Exception {
    String database = TestPostgres.freshDatabase();
    try (ConfigurableApplicationContext b = node(database, dataB)) {
      JdbcClient jdbc = b.getBean(JdbcClient.class);
      Instant due;
      Duration grace = Duration.ofSeconds(2);
      try (ConfigurableApplicationContext a = node(database, dataA)) {
        Fixtures.Tenant tenant = a.getBean(Fixtures.class).tenant();
        Api api = new Api(Integer.parseInt(a.getEnvironment().getProperty("local.server.port")));
        createPinged(api, tenant);
        due = Instant.now().plusSeconds(3);
        dueSoon(jdbc, due, grace);
        // Node A's sweep takes the monitors and dies holding them: a session of its own locks
        // the rows the way a pass does, then the node goes away and its session is cut.
        Connection sweeping =
            DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres", null);
        sweeping.setAutoCommit(false);
        int pid;
        try (Statement s = sweeping.createStatement()) {
          try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
          }
          s.executeQuery("SELECT id FROM monitors FOR UPDATE").close();
        }
        a.getBean(HeartbeatSweep.class).stop();
        a.close();
        // The dead node's connection drops (kill -9: the socket closes; PostgreSQL rolls back).
        jdbc.sql("SELECT pg_terminate_backend(:pid, 10000)")
            .param("pid", pid)
            .query(Boolean.class)
            .single();
        try {
          sweeping.close();
        } catch (Exception alreadyGone) {
          // the session was cut
        }
      }
      allDownOnTime(jdbc, due.plus(grace));
    }
  }
}
