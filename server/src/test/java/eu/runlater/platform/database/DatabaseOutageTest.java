package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.runlater.RunlaterApplication;
import eu.runlater.organizations.Role;
import eu.runlater.support.Api;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.testing.RestartablePostgres;
import eu.runlater.testing.Sink;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The server while its PostgreSQL is away, restarting or refusing a commit: the API answers 503
 * problem+json with {@code Retry-After} within its bound (never a 500, never a hang), pages a 503
 * page, {@code /health} a 503; nothing is acknowledged that was not stored, and a repeat with the
 * same {@code Idempotency-Key} after the outage creates exactly once; when PostgreSQL is back the
 * same requests succeed and the engine delivers what fell due meanwhile.
 *
 * <p>The database is this class's own ({@link RestartablePostgres}), stopped and started under a
 * running server, so no other test class sees the outage.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * The longest an API call may take while the database is away: the pool's wait for a connection
   * plus the request's statement bound would be the worst; the answer comes after the first.
   */
  private static final Duration BOUND = StatementTimeouts.REQUEST;

  private static RestartablePostgres pg;
  private static ConfigurableApplicationContext app;
  private static Sink sink;
  private static Api api;
  private static Fixtures.Tenant tenant;
  private static Fixtures fixtures;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    pg = RestartablePostgres.start("outage");
    sink = Sink.start();
    Path dataDir = Files.createTempDirectory("outage-test");
    app =
        new SpringApplicationBuilder(RunlaterApplication.class)
            .run(
                "--server.port=0",
                "--runlater.database-url=" + pg.jdbcUrl("postgres"),
                "--runlater.data-dir=" + dataDir,
                "--runlater.engine.allow-private-targets=127.0.0.0/8",
                "--runlater.engine.poll-interval=200ms",
                "--runlater.engine.backoff-base=100ms",
                "--runlater.engine.backoff-max=200ms",
                "--runlater.rate-limits.enabled=false",
                "--runlater.signup.mode=open");
    port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    api = new Api(port);
    fixtures = app.getBean(Fixtures.class);
    tenant = fixtures.tenant();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static String job(String name, String schedule) {
    return """
        {"name": "%s", "url": "%s", "schedule": %s}
        """
        .formatted(name, sink.url("/" + name), schedule);
  }

  private static String once(String delay) {
    return "{\"type\": \"once\", \"delay\": \"" + delay + "\"}";
  }

  private static Api.Response post(String path, String body, String idempotencyKey) {
    HttpRequest.Builder request =
        api.request(path)
            .header("Authorization", "Bearer " + tenant.key())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return api.send(request);
  }

  private static long count(String sql) {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertUnavailable(Api.Response r, String type) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("type").asString()).endsWith("/" + type);
    assertThat(r.json().get("status").asInt()).isEqualTo(503);
    assertThat(r.json().get("detail").asString()).contains("Retry-After");
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").get())).isPositive();
  }

  /** A deferred trigger on {@code jobs} that runs {@code body} at COMMIT for a job named so. */
  private static void atCommit(String name, String body) {
    pg.execute(
        "postgres",
        """
        CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.name = '%1$s' THEN
            %2$s;
          END IF;
          RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER %1$s AFTER INSERT ON jobs
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION %1$s();
        """
            .formatted(name, body));
  }

  private static void dropAtCommit(String name) {
    pg.execute(
        "postgres",
        "DROP TRIGGER IF EXISTS %1$s ON jobs; DROP FUNCTION IF EXISTS %1$s()".formatted(name));
  }

  private static long jobsNamed(String name) {
    return count("SELECT count(*) FROM jobs WHERE name = '" + name + "'");
  }

  private static long idempotencyKeys(String key) {
    return count("SELECT count(*) FROM idempotency_keys WHERE key = '" + key + "'");
  }

  @Test
  @Order(1)
  void a_commit_refused_for_lack_of_space_is_a_503_and_stores_nothing() {
    String name = "full_at_commit";
    atCommit(
        name, "RAISE EXCEPTION 'no space left (simulated at commit)' USING ERRCODE = 'disk_full'");
    try {
      // Without a key (the controller's transaction) and with one (the idempotency layer's).
      assertUnavailable(post("/api/v1/jobs", job(name, once("1h")), null), "storage-full");
      Api.Response keyed = post("/api/v1/jobs", job(name, once("1h")), "full-1");
      assertUnavailable(keyed, "storage-full");
      assertThat(keyed.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(jobsNamed(name)).isZero();
      assertThat(idempotencyKeys("full-1")).isZero();
    } finally {
      dropAtCommit(name);
    }
    // Space freed: the same request with the same key creates once, and replays after.
    Api.Response created = post("/api/v1/jobs", job(name, once("1h")), "full-1");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Api.Response replayed = post("/api/v1/jobs", job(name, once("1h")), "full-1");
    assertThat(replayed.status()).isEqualTo(201);
    assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(replayed.json().get("id")).isEqualTo(created.json().get("id"));
    assertThat(jobsNamed(name)).isEqualTo(1);
  }

  @Test
  @Order(2)
  void a_session_ended_in_the_middle_of_its_commit_is_not_acknowledged() throws Exception {
    String name = "killed_at_commit";
    atCommit(name, "PERFORM pg_sleep(5)");
    try {
      CompletableFuture<Api.Response> pending =
          CompletableFuture.supplyAsync(
              () -> post("/api/v1/jobs", job(name, once("1h")), "killed-1"));
      // The server's session, inside its COMMIT (the deferred trigger sleeps there): end it, as
      // a database restart or an operator's pg_terminate_backend would.
      long killed = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (killed == 0 && System.nanoTime() < deadline) {
        killed =
            count(
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE application_name = 'runlater' AND state = 'active' AND query = 'COMMIT'
                """);
        if (killed == 0) {
          TimeUnit.MILLISECONDS.sleep(50);
        }
      }
      assertThat(killed).as("the session in its COMMIT").isEqualTo(1);
      Api.Response answer = pending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertUnavailable(answer, "database-unavailable");
      assertThat(jobsNamed(name)).isZero();
      assertThat(idempotencyKeys("killed-1")).isZero();
    } finally {
      dropAtCommit(name);
    }
    Api.Response again = retry(() -> post("/api/v1/jobs", job(name, once("1h")), "killed-1"));
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    assertThat(post("/api/v1/jobs", job(name, once("1h")), "killed-1").headers())
        .satisfies(h -> assertThat(h.firstValue("Idempotent-Replayed")).hasValue("true"));
    assertThat(jobsNamed(name)).isEqualTo(1);
  }

  /** Sends until the answer is not a 503 (a pooled connection may still be a dead one). */
  private static Api.Response retry(Supplier<Api.Response> send) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Api.Response r = send.get();
    while (r.status() == 503 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
      r = send.get();
    }
    return r;
  }

  @Test
  @Order(3)
  void while_postgres_is_stopped_everything_answers_503_and_all_resumes_when_it_is_back()
      throws Exception {
    var user = fixtures.user(tenant.id(), Role.OWNER);
    Browser browser = new Browser(port);
    browser.get("/login");
    Browser.Page signedIn =
        browser.post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD));
    assertThat(signedIn.status()).isEqualTo(302);
    assertThat(browser.get("/").status()).isEqualTo(200);

    // Due while the database is away.
    Api.Response dueMeanwhile = post("/api/v1/jobs", job("due_meanwhile", once("3s")), null);
    assertThat(dueMeanwhile.status()).as(dueMeanwhile.body()).isEqualTo(201);
    Instant due = Instant.parse(dueMeanwhile.json().get("next_run_at").asString());

    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    long stoppedAt;
    long startedAt;
    List<Long> answerMs = new ArrayList<>();
    try {
      pg.stop();
      stoppedAt = System.nanoTime();
      assertThat(sink.received()).as("nothing delivered before the outage").isEmpty();

      int round = 0;
      do {
        round++;
        long t0 = System.nanoTime();
        Api.Response create = post("/api/v1/jobs", job("during_" + round, once("0s")), null);
        answerMs.add((System.nanoTime() - t0) / 1_000_000);
        assertUnavailable(create, "database-unavailable");

        t0 = System.nanoTime();
        Api.Response push =
            post(
                "/api/v1/queues/outage/messages",
                "{\"url\": \"" + sink.url("/pushed") + "\"}",
                "push-during-outage");
        answerMs.add((System.nanoTime() - t0) / 1_000_000);
        assertUnavailable(push, "database-unavailable");

        t0 = System.nanoTime();
        Api.Response health = api.get("/health", null);
        answerMs.add((System.nanoTime() - t0) / 1_000_000);
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(health.json().get("database").asString()).isEqualTo("down");

        t0 = System.nanoTime();
        Browser.Page page = browser.get("/");
        answerMs.add((System.nanoTime() - t0) / 1_000_000);
        assertThat(page.status()).isEqualTo(503);
        assertThat(page.headers().get("retry-after")).isNotNull();
        assertThat(page.body()).contains("<!DOCTYPE html>", "cannot reach its database");
      } while (Instant.now().isBefore(due.plusSeconds(1)));

      // Many at once: each still answers within the bound, none queues behind another's wait.
      List<CompletableFuture<Long>> concurrent = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        int n = i;
        concurrent.add(
            CompletableFuture.supplyAsync(
                () -> {
                  long t0 = System.nanoTime();
                  Api.Response r =
                      n % 2 == 0
                          ? api.get("/health", null)
                          : post("/api/v1/jobs", job("concurrent_" + n, once("0s")), null);
                  assertThat(r.status()).isEqualTo(503);
                  return (System.nanoTime() - t0) / 1_000_000;
                },
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
      }
      for (CompletableFuture<Long> f : concurrent) {
        answerMs.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      }
      assertThat(answerMs).allSatisfy(ms -> assertThat(ms).isLessThan(BOUND.toMillis()));
      assertThat(sink.received()).isEmpty();

      pg.startAgain();
      startedAt = System.nanoTime();
    } finally {
      root.detachAppender(log);
    }

    // The same requests succeed; the push refused during the outage is done once now.
    Api.Response create = retry(() -> post("/api/v1/jobs", job("after", once("0s")), null));
    long firstCreatedMs = (System.nanoTime() - startedAt) / 1_000_000;
    assertThat(create.status()).as(create.body()).isEqualTo(201);
    Api.Response push =
        retry(
            () ->
                post(
                    "/api/v1/queues/outage/messages",
                    "{\"url\": \"" + sink.url("/pushed") + "\"}",
                    "push-during-outage"));
    assertThat(push.status()).as(push.body()).isEqualTo(201);
    assertThat(api.get("/health", null).status()).isEqualTo(200);
    assertThat(browser.get("/").status()).isEqualTo(200);

    // The job due during the outage, the one created after and the push are all delivered.
    sink.awaitCount(3, WAIT);
    Map<String, Instant> arrived =
        sink.received().stream()
            .collect(Collectors.toMap(Sink.Received::path, Sink.Received::at, (a, b) -> a));
    assertThat(arrived).containsOnlyKeys("/due_meanwhile", "/after", "/pushed");
    long dueDeliveredMs =
        Duration.between(
                Instant.now().minusNanos(System.nanoTime() - startedAt),
                arrived.get("/due_meanwhile"))
            .toMillis();
    assertThat(count("SELECT count(*) FROM messages")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM jobs WHERE name LIKE 'during_%'")).isZero();

    // No node left: every loop runs on.
    Set<String> threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .collect(Collectors.toSet());
    assertThat(threads)
        .contains(
            "runlater-producer", "runlater-completer", "runlater-listener", "runlater-maintenance");
    assertThat(app.isActive()).isTrue();

    // No log storm: Runlater's own loggers said each thing once, not once per failed pass or
    // request.
    Map<String, Long> warnings =
        log.list.stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
            .filter(e -> e.getLoggerName().startsWith("eu.runlater"))
            .collect(Collectors.groupingBy(ILoggingEvent::getLoggerName, Collectors.counting()));
    assertThat(warnings.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
    System.out.printf(
        "DatabaseOutageTest: outage %d ms, %d answers during it, slowest %d ms; first 201 %d ms"
            + " after PostgreSQL started again; the job due meanwhile delivered %d ms after;"
            + " warnings %s%n",
        (startedAt - stoppedAt) / 1_000_000,
        answerMs.size(),
        answerMs.stream().mapToLong(Long::longValue).max().orElse(0),
        firstCreatedMs,
        dueDeliveredMs,
        warnings);
  }

  /**
   * R9: the disk under a table fills up, for real: the {@code messages} table moves to a tablespace
   * on a 4 MB tmpfs, which a filler table then fills until PostgreSQL itself fails with SQLSTATE
   * 53100 (needs root to mount; skipped without). Pushes are accepted while the table's pages have
   * room, then refused with a 503 {@code storage-full}; every accepted message is kept and
   * delivered (its outcome, which writes to the full table too, waits and is recorded once space is
   * freed), and pushes work again.
   */
  @Test
  @Order(4)
  void when_the_disk_is_full_pushes_are_refused_nothing_accepted_is_lost_and_work_resumes()
      throws Exception {
    Path mount = Files.createTempDirectory("tiny-tablespace");
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()),
        "mounting a small tmpfs needs root");
    boolean moved = false;
    try {
      Path location = Files.createDirectory(mount.resolve("ts"));
      pg.execute("postgres", "CREATE TABLESPACE tiny LOCATION '" + location + "'");
      pg.execute("postgres", "ALTER TABLE messages SET TABLESPACE tiny");
      moved = true;
      try (Connection c = pg.connect("postgres");
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE filler (x text) TABLESPACE tiny");
        try {
          st.execute(
              "INSERT INTO filler SELECT repeat(md5(i::text), 30)"
                  + " FROM generate_series(1, 100000) i");
          throw new AssertionError("4 MB took 100 MB");
        } catch (SQLException e) {
          assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("53100");
        }
      }
      int before = sink.count();
      List<String> accepted = new ArrayList<>();
      Api.Response refused = null;
      for (int i = 0; i < 5_000 && refused == null; i++) {
        Api.Response r =
            post(
                "/api/v1/queues/full/messages",
                "{\"url\": \"" + sink.url("/full-" + i) + "\"}",
                null);
        if (r.status() == 201) {
          accepted.add(r.json().get("message_id").asString());
        } else {
          refused = r;
        }
      }
      assertThat(refused).as("a push refused once the table's pages are full").isNotNull();
      assertUnavailable(refused, "storage-full");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(
              count(
                  "SELECT count(*) FROM messages m JOIN queues q ON q.id = m.queue_id"
                      + " WHERE q.name = 'full'"))
          .isEqualTo(accepted.size());

      pg.execute("postgres", "DROP TABLE filler");
      Api.Response again =
          retry(
              () ->
                  post(
                      "/api/v1/queues/full/messages",
                      "{\"url\": \"" + sink.url("/full-after") + "\"}",
                      null));
      assertThat(again.status()).as(again.body()).isEqualTo(201);

      // Every accepted message (and the one after) delivered and recorded as delivered.
      sink.awaitCount(before + accepted.size() + 1, WAIT);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (count("SELECT count(*) FROM messages WHERE state <> 'delivered'") > 0
          && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertThat(count("SELECT count(*) FROM messages WHERE state <> 'delivered'")).isZero();
      System.out.printf(
          "DatabaseOutageTest: disk full after %d accepted pushes; all delivered once space was"
              + " freed%n",
          accepted.size());
    } finally {
      pg.execute("postgres", "DROP TABLE IF EXISTS filler");
      if (moved) {
        pg.execute("postgres", "ALTER TABLE messages SET TABLESPACE pg_default");
      }
      pg.execute("postgres", "DROP TABLESPACE IF EXISTS tiny");
      run("umount", mount.toString());
    }
  }

  private static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
