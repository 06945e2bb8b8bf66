package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import eu.runlater.engine.SqlTime;
import eu.runlater.executions.ExecutionSource;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.support.CheckCa;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uptime checks end to end against real local servers: each check is an engine task through the
 * check transport, its outcome recorded, the monitor's state moved with confirmation, and the next
 * check chained.
 */
class UptimeChecksTest extends ServerTest {
  static final Duration WITHIN = Duration.ofSeconds(20);

  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired TransactionalConnection connection;
  @Autowired UptimeChecks checks;
  @Autowired CheckSweep sweep;
  @Autowired CheckStats stats;
  @Autowired List<ExecutionSource> sources;

  CheckFixtures monitors;
  UUID org;

  @BeforeEach
  void setUp() {
    monitors = new CheckFixtures(jdbc, tx, connection, checks);
    org = fixtures.tenant().id();
  }

  private static Sink.Reply text(int status, String body) {
    return Sink.Reply.status(status).withBody(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void a_passing_check_brings_the_monitor_up_and_makes_the_next_on_its_grid() {
    try (Sink target = Sink.start().respond(r -> text(200, "all good"))) {
      UUID id = monitors.create(org, "api", CheckFixtures.Spec.http(target.url("/health")));

      Sink.await(WITHIN, "three checks", () -> monitors.checks(id) >= 3);

      assertThat(monitors.state(id)).isEqualTo("up");
      assertThat(monitors.stateReason(id)).matches("HTTP 200 in \\d+ ms");
      assertThat(monitors.tasks(id)).isEqualTo(1);
      // Each check is planned one interval after the one before: no drift with their durations.
      List<Instant> planned =
          jdbc.sql(
                  "SELECT scheduled_for FROM executions WHERE source_id = :id"
                      + " ORDER BY scheduled_for")
              .param("id", id)
              .query((rs, n) -> SqlTime.instant(rs, "scheduled_for"))
              .list();
      for (int i = 1; i < planned.size(); i++) {
        assertThat(Duration.between(planned.get(i - 1), planned.get(i)).toMillis() % 1000).isZero();
      }
      // The target sees only its own request: no webhook signature or Runlater ids.
      Sink.Received first = target.received().getFirst();
      assertThat(first.header("webhook-signature")).isNull();
      assertThat(first.header("Runlater-Task-Id")).isNull();
      assertThat(first.header("User-Agent")).startsWith("Runlater/");
    }
  }

  @Test
  void a_failing_status_goes_down_after_the_confirmations_and_alerts() {
    try (Sink target = Sink.start().respond(r -> text(503, "maintenance"))) {
      UUID id =
          monitors.create(org, "shop", CheckFixtures.Spec.http(target.url("/")).confirmations(2));

      Sink.await(WITHIN, "the monitor down", () -> "down".equals(monitors.state(id)));

      assertThat(monitors.checks(id)).isGreaterThanOrEqualTo(2);
      assertThat(monitors.stateReason(id))
          .isEqualTo("HTTP 503, expected 200-299 (2 failed checks in a row)");
      assertThat(monitors.openIncidents(id, "down")).isEqualTo(1);
    }
  }

  @Test
  void one_blip_does_not_page() {
    AtomicInteger n = new AtomicInteger();
    try (Sink target =
        Sink.start().respond(r -> n.incrementAndGet() == 2 ? text(500, "blip") : text(200, "ok"))) {
      UUID id =
          monitors.create(org, "blip", CheckFixtures.Spec.http(target.url("/")).confirmations(2));

      Sink.await(WITHIN, "four checks", () -> monitors.checks(id) >= 4);

      assertThat(monitors.state(id)).isEqualTo("up");
      assertThat(monitors.events(id, "down")).isZero();
      assertThat(monitors.openIncidents(id, "down")).isZero();
    }
  }

  @Test
  void recovers_at_the_first_passing_check() {
    AtomicInteger n = new AtomicInteger();
    try (Sink target =
        Sink.start().respond(r -> n.incrementAndGet() <= 2 ? text(500, "no") : text(200, "ok"))) {
      UUID id =
          monitors.create(org, "flaky", CheckFixtures.Spec.http(target.url("/")).confirmations(2));

      Sink.await(
          WITHIN,
          "down then up",
          () -> monitors.events(id, "up") >= 1 && monitors.events(id, "down") == 1);

      assertThat(monitors.state(id)).isEqualTo("up");
      assertThat(monitors.openIncidents(id, "down")).isZero();
    }
  }

  @Test
  void a_wrong_keyword_fails() {
    try (Sink target = Sink.start().respond(r -> text(200, "status: degraded"))) {
      UUID id =
          monitors.create(
              org, "kw", CheckFixtures.Spec.http(target.url("/")).keyword("status: ok", false));

      Sink.await(WITHIN, "down", () -> "down".equals(monitors.state(id)));

      assertThat(monitors.lastReason(id)).isEqualTo("the body does not contain \"status: ok\"");
    }
  }

  @Test
  void a_keyword_that_must_be_absent_fails_when_present() {
    try (Sink target = Sink.start().respond(r -> text(200, "<h1>Error</h1> database down"))) {
      UUID id =
          monitors.create(
              org, "absent", CheckFixtures.Spec.http(target.url("/")).keyword("Error", true));

      Sink.await(WITHIN, "down", () -> "down".equals(monitors.state(id)));

      assertThat(monitors.lastReason(id))
          .isEqualTo("the body contains \"Error\", which must be absent");
    }
  }

  @Test
  void a_slow_target_is_cut_at_the_timeout() {
    try (Sink target = Sink.start().respond(r -> text(200, "late").after(Duration.ofSeconds(5)))) {
      UUID id = monitors.create(org, "slow", CheckFixtures.Spec.http(target.url("/")).timeout(1));

      Sink.await(WITHIN, "down", () -> "down".equals(monitors.state(id)));

      assertThat(monitors.lastReason(id)).isEqualTo("no complete response within 1000 ms");
      Integer took =
          jdbc.sql("SELECT max(duration_ms) FROM monitor_checks WHERE monitor_id = :id")
              .param("id", id)
              .query(Integer.class)
              .single();
      assertThat(took).isLessThan(3000);
    }
  }

  @Test
  void follows_redirects_or_not_as_asked() {
    try (Sink target =
        Sink.start()
            .respond(
                r ->
                    r.path().equals("/old")
                        ? Sink.Reply.status(301).withHeader("Location", "/new")
                        : text(200, "moved here"))) {
      UUID follows = monitors.create(org, "follows", CheckFixtures.Spec.http(target.url("/old")));
      UUID stays =
          monitors.create(org, "stays", CheckFixtures.Spec.http(target.url("/old")).follow(false));

      Sink.await(
          WITHIN,
          "both decided",
          () -> "up".equals(monitors.state(follows)) && "down".equals(monitors.state(stays)));

      assertThat(monitors.lastReason(stays)).isEqualTo("HTTP 301, expected 200-299");
    }
  }

  @Test
  void tcp_checks_an_open_and_a_closed_port() throws Exception {
    int closedPort;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = closed.getLocalPort();
    }
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                while (!open.isClosed()) {
                  try {
                    open.accept().close();
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      UUID up =
          monitors.create(org, "db", CheckFixtures.Spec.tcp("127.0.0.1:" + open.getLocalPort()));
      UUID down = monitors.create(org, "gone", CheckFixtures.Spec.tcp("127.0.0.1:" + closedPort));

      Sink.await(
          WITHIN,
          "both decided",
          () -> "up".equals(monitors.state(up)) && "down".equals(monitors.state(down)));

      assertThat(monitors.stateReason(up)).matches("port open in \\d+ ms");
      assertThat(monitors.lastReason(down))
          .startsWith("could not connect to 127.0.0.1:" + closedPort);
    }
  }

  @Test
  void a_certificate_expiring_within_the_warning_days_raises_tls_expiry() throws Exception {
    Instant notAfter = Instant.now().plus(Duration.ofDays(3));
    HttpsServer tls =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tls.setHttpsConfigurator(
        new HttpsConfigurator(CheckCa.ca().serverContext("status.test", notAfter)));
    tls.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    tls.start();
    try {
      String url = "https://127.0.0.1:" + tls.getAddress().getPort() + "/";
      UUID warned = monitors.create(org, "tls", CheckFixtures.Spec.http(url).tlsExpiryDays(14));
      UUID quiet = monitors.create(org, "tls-later", CheckFixtures.Spec.http(url).tlsExpiryDays(2));

      Sink.await(
          WITHIN,
          "the warning",
          () -> monitors.openIncidents(warned, CheckOutcomes.TLS_CONDITION) == 1);
      Sink.await(WITHIN, "the other checked", () -> monitors.checks(quiet) >= 1);

      assertThat(monitors.state(warned)).isEqualTo("up");
      assertThat(monitors.openIncidents(quiet, CheckOutcomes.TLS_CONDITION)).isZero();
      Instant stored =
          jdbc.sql("SELECT tls_expires_at FROM monitors WHERE id = :id")
              .param("id", warned)
              .query((rs, n) -> SqlTime.instant(rs, "tls_expires_at"))
              .single();
      assertThat(Duration.between(stored, notAfter).abs()).isLessThan(Duration.ofSeconds(1));
    } finally {
      tls.stop(0);
    }
  }

  @Test
  void a_private_target_is_refused_by_the_guard() {
    UUID id =
        monitors.create(org, "metadata", CheckFixtures.Spec.http("http://169.254.169.254/latest"));

    Sink.await(WITHIN, "down", () -> "down".equals(monitors.state(id)));

    assertThat(monitors.lastReason(id)).contains("169.254.169.254 is not allowed");
  }

  @Test
  void pausing_removes_the_waiting_check_and_the_sweep_heals_a_lost_one() {
    try (Sink target = Sink.start().respond(r -> text(200, "ok"))) {
      UUID id =
          monitors.create(org, "heal", CheckFixtures.Spec.http(target.url("/")).interval(3600));
      Sink.await(WITHIN, "the first check", () -> monitors.checks(id) >= 1);
      Sink.await(WITHIN, "the next waiting", () -> monitors.tasks(id) == 1);

      // A lost chain: the waiting check removed behind the monitor's back.
      jdbc.sql("DELETE FROM tasks WHERE source_id = :id").param("id", id).update();
      assertThat(sweep.runOnce()).isEqualTo(1);
      assertThat(monitors.tasks(id)).isEqualTo(1);
      assertThat(sweep.runOnce()).isZero();

      jdbc.sql("UPDATE monitors SET state = 'paused' WHERE id = :id").param("id", id).update();
      monitors.unschedule(id);
      assertThat(monitors.tasks(id)).isZero();
      assertThat(sweep.runOnce()).isZero();
    }
  }

  @Test
  void the_history_names_a_check_by_its_monitor() {
    UUID id = monitors.insert(org, "billing api", CheckFixtures.Spec.http("https://example.com"));
    ExecutionSource source =
        sources.stream().filter(s -> s.kind().equals("monitor")).findFirst().orElseThrow();

    ExecutionSource.Owner owner = source.owner(org, id).orElseThrow();

    assertThat(owner.name()).isEqualTo("Check of billing api");
    assertThat(owner.link()).isEqualTo("/monitors/" + id);
    assertThat(owner.trail())
        .containsExactly(
            new ExecutionSource.Crumb("Monitors", "/monitors"),
            new ExecutionSource.Crumb("billing api", "/monitors/" + id));
  }

  @Test
  void the_runs_log_and_home_name_a_check_by_its_monitor() {
    try (Sink target = Sink.start().respond(r -> text(200, "ok"))) {
      UUID id =
          monitors.create(
              org, "billing site", CheckFixtures.Spec.http(target.url("/")).interval(3600));
      Sink.await(WITHIN, "the check", () -> monitors.checks(id) >= 1);
      eu.runlater.support.Browser browser =
          signIn(fixtures.user(org, eu.runlater.organizations.Role.MEMBER));

      for (String path : List.of("/runs", "/")) {
        String body = browser.get(path).body();
        assertThat(body)
            .as(path)
            .contains("Check of <a href=\"/monitors/" + id + "\">billing site</a>");
      }
    }
  }

  @Test
  void stats_give_hourly_percentiles_and_uptime_per_window() {
    UUID id = monitors.insert(org, "stats", CheckFixtures.Spec.http("https://example.com"));
    Instant now = Instant.now();
    Instant hour = now.minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    for (int i = 0; i < 20; i++) {
      jdbc.sql(
              "INSERT INTO monitor_checks (monitor_id, checked_at, ok, status_code, duration_ms)"
                  + " VALUES (:id, :at, true, 200, :ms)")
          .param("id", id)
          .param("at", SqlTime.ts(hour.plusSeconds(60L * i)))
          .param("ms", (i + 1) * 10)
          .update();
    }
    // Up for 2 days, down for the last 12 hours.
    event(id, now.minus(Duration.ofDays(2)), "new", "up");
    event(id, now.minus(Duration.ofHours(12)), "up", "down");

    List<CheckStats.Hour> hours = stats.hourly(id, now.minus(Duration.ofDays(1)));
    var uptime = stats.uptime(id, now);

    assertThat(hours).hasSize(1);
    assertThat(hours.getFirst().p50Ms()).isEqualTo(105.0);
    assertThat(hours.getFirst().p95Ms()).isEqualTo(190.5);
    assertThat(uptime.get("24h")).isEqualTo(50.0, within(0.01));
    assertThat(uptime.get("7d")).isEqualTo(75.0, within(0.01));
    assertThat(uptime.get("90d")).isEqualTo(75.0, within(0.01));
    assertThat(stats.recent(id, 5)).hasSize(5);
  }

  private void event(UUID id, Instant at, String from, String to) {
    jdbc.sql(
            "INSERT INTO monitor_events (id, monitor_id, at, from_state, to_state, reason)"
                + " VALUES (:eid, :id, :at, :from, :to, 'test')")
        .param("eid", UUID.randomUUID())
        .param("id", id)
        .param("at", SqlTime.ts(at))
        .param("from", from)
        .param("to", to)
        .update();
  }
}
