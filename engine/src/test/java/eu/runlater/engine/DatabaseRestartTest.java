package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.engine.db.Db;
import eu.runlater.engine.http.AddressPolicy;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpDeliveryConfig;
import eu.runlater.testing.RestartablePostgres;
import eu.runlater.testing.Sink;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL restarted under a running engine, as an operator would: every loop (claiming,
 * recording outcomes, the leader's session, the wake-up listener) keeps going, delivers what fell
 * due meanwhile once the database is back, records an outcome that finished while it was away, and
 * says so in a few lines rather than a stack trace per retry.
 */
class DatabaseRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void an_engine_survives_a_postgres_restart_and_catches_up() throws Exception {
    Logger engineLog = (Logger) LoggerFactory.getLogger("eu.runlater.engine");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    engineLog.addAppender(log);
    try (RestartablePostgres pg = RestartablePostgres.start("engine-restart");
        Sink sink = Sink.start();
        HttpDelivery http =
            new HttpDelivery(HttpDeliveryConfig.defaults(AddressPolicy.parse("127.0.0.0/8")))) {
      String url = pg.jdbcUrl("postgres");
      Flyway.configure()
          .dataSource(url, null, null)
          .locations(EngineSchema.LOCATION)
          .table(EngineSchema.HISTORY_TABLE)
          .load()
          .migrate();
      HikariConfig poolConfig = new HikariConfig();
      poolConfig.setJdbcUrl(url);
      poolConfig.setMaximumPoolSize(10);
      poolConfig.setConnectionTimeout(2_000);
      poolConfig.setValidationTimeout(1_000);
      try (HikariDataSource pool = new HikariDataSource(poolConfig)) {
        Db db = new Db(pool);
        EngineConfig config =
            EngineConfig.builder("restart-node")
                .workers(10)
                // Longer than the outage: the delivery that finishes while the database is away
                // must be recorded by this node, not rescued and run again.
                .leaseMargin(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .maintenanceInterval(Duration.ofMillis(200))
                .shutdownGrace(Duration.ofSeconds(5))
                .userAgent("Runlater/test")
                .build();
        Engine engine =
            Engine.builder(config)
                .database(pool, () -> DriverManager.getConnection(url))
                .http(http)
                .secrets(
                    SecretBox.fromConfigured(SecretBox.generateKey()),
                    org -> List.of(EngineFixture.SECRET))
                .build();
        sink.respond(
            r ->
                r.path().equals("/slow")
                    ? Sink.Reply.status(200).after(Duration.ofSeconds(2))
                    : Sink.Reply.status(200));
        engine.start();
        try {
          insert(db, engine, task(sink.url("/before"), Instant.now()));
          sink.awaitCount(1, WAIT);
          Sink.await(WAIT, "leadership", engine::isLeader);

          // In flight when the database goes: its outcome must wait and be written afterwards.
          NewTask slow = task(sink.url("/slow"), Instant.now());
          insert(db, engine, slow);
          Sink.await(WAIT, "the slow delivery to start", () -> sink.inFlight() == 1);
          // Falls due while the database is away.
          Instant due = Instant.now().plusSeconds(1);
          NewTask meanwhile = task(sink.url("/meanwhile"), due);
          insert(db, engine, meanwhile);

          int outageStart = log.list.size();
          pg.stop();
          long stoppedAt = System.nanoTime();
          // Away for a while: past the due time and past the slow delivery's end, long enough
          // for every loop to fail a few times.
          Sink.await(
              WAIT,
              "the outage to outlast the due time and the slow delivery",
              () ->
                  Instant.now().isAfter(due.plusSeconds(2))
                      && sink.count() == 2
                      && sink.inFlight() == 0
                      && System.nanoTime() - stoppedAt > TimeUnit.SECONDS.toNanos(5));
          assertThat(sink.received().stream().map(Sink.Received::path))
              .containsExactly("/before", "/slow");

          pg.startAgain();
          long startedAt = System.nanoTime();
          sink.awaitCount(3, WAIT);
          long resumedMs = (System.nanoTime() - startedAt) / 1_000_000;
          assertThat(sink.received().get(2).path()).isEqualTo("/meanwhile");

          Sink.await(
              WAIT,
              "the slow delivery's outcome to be recorded",
              () ->
                  count(db, "SELECT count(*) FROM executions WHERE task_id = '" + slow.id() + "'")
                      == 1);
          Sink.await(
              WAIT, "every task to finish", () -> count(db, "SELECT count(*) FROM tasks") == 0);

          // Claiming works as before: a new task is delivered at once.
          long insertedAt = System.nanoTime();
          insert(db, engine, task(sink.url("/after"), Instant.now()));
          sink.awaitCount(4, WAIT);
          long freshMs = (System.nanoTime() - insertedAt) / 1_000_000;
          Sink.await(WAIT, "leadership again", engine::isLeader);

          // Each delivered once: the slow one was recorded, not rescued and sent again.
          assertThat(sink.received().stream().map(Sink.Received::path))
              .containsExactly("/before", "/slow", "/meanwhile", "/after");
          assertThat(liveThreads())
              .contains(
                  "runlater-producer",
                  "runlater-completer",
                  "runlater-listener",
                  "runlater-maintenance");

          // No log storm: per component, one warning when the outage begins (and a line when it
          // works again), whatever the number of retries.
          Map<String, Long> warnings =
              log.list.subList(outageStart, log.list.size()).stream()
                  .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                  .collect(
                      Collectors.groupingBy(ILoggingEvent::getLoggerName, Collectors.counting()));
          assertThat(warnings.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
          System.out.printf(
              "DatabaseRestartTest: outage %d ms; due task delivered %d ms after PostgreSQL"
                  + " started again; a new task then %d ms after insert; warnings %s%n",
              (startedAt - stoppedAt) / 1_000_000, resumedMs, freshMs, warnings);
        } finally {
          engine.stop();
        }
      }
    } finally {
      engineLog.detachAppender(log);
    }
  }

  private static Set<String> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  private static long count(Db db, String sql) {
    try {
      return EngineFixture.count(db, sql);
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }

  private static void insert(Db db, Engine engine, NewTask task) throws java.sql.SQLException {
    EngineFixture.insert(db, engine, List.of(task));
  }

  private static NewTask task(String url, Instant runAt) {
    return EngineFixture.task(url, runAt, 5_000, EngineFixture.JSON_BODY);
  }
}
