package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.engine.db.Db;
import eu.runlater.testing.Sink;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks a caller inserts due now in its own transaction ({@link Tasks#insertHandingOff}: the API's
 * start of a workflow run, a job run now) start on this node's free workers once that transaction
 * commits, claimed in it, without the producer's wake-up and claim — one per organization, within
 * its cap; a rollback starts nothing and frees the workers held.
 */
class InsertHandOffTest {
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  /** An engine that polls so rarely that only a wake-up or a hand-off explains a delivery. */
  private Engine asleep() throws SQLException {
    Engine engine = fixture.engine(fixture.config().pollInterval(Duration.ofMinutes(10)).build());
    engine.start();
    Sink.await(
        Duration.ofSeconds(10),
        "the engine to go to sleep",
        () -> engine.wakeups().plannedWake().isAfter(Instant.now().plusSeconds(60)));
    return engine;
  }

  /** Requests to paths starting with /slow wait (up to 30 s) until the latch returned opens. */
  private CountDownLatch holdSlowRequests() {
    CountDownLatch reply = new CountDownLatch(1);
    sink.respond(
        request -> {
          if (request.path().startsWith("/slow")) {
            try {
              reply.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return Sink.Reply.status(200);
        });
    return reply;
  }

  private Tasks.Inserted insertAndCommit(Engine engine, List<NewTask> tasks) throws SQLException {
    Tasks.Inserted inserted =
        fixture.db.inTransaction(c -> engine.tasks().insertHandingOff(c, tasks));
    inserted.committed();
    return inserted;
  }

  private long state(NewTask task, String state) {
    return fixture.count(
        "SELECT count(*) FROM tasks WHERE id = '" + task.id() + "' AND state = '" + state + "'");
  }

  @Test
  void a_task_due_now_starts_from_the_inserting_transaction_without_a_claim() throws Exception {
    Engine engine = asleep();
    long claimsBefore = engine.producer().claims();

    insertAndCommit(engine, List.of(fixture.task(sink.url("/now"), Instant.now())));

    sink.awaitCount(1, Duration.ofSeconds(10));
    Sink.await(
        Duration.ofSeconds(10),
        "its outcome recorded",
        () -> fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") == 1);
    assertThat(engine.producer().claims()).isEqualTo(claimsBefore);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE attempt = 1")).isOne();
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
  }

  @Test
  void a_rolled_back_insert_starts_nothing_and_frees_the_workers_it_held() throws Exception {
    Engine engine = asleep();
    int free = engine.workers().free();
    Tasks.Inserted[] inserted = new Tasks.Inserted[1];

    assertThatThrownBy(
            () ->
                fixture.db.inTransaction(
                    c -> {
                      inserted[0] =
                          engine
                              .tasks()
                              .insertHandingOff(
                                  c, List.of(fixture.task(sink.url("/never"), Instant.now())));
                      assertThat(engine.workers().free()).isEqualTo(free - 1);
                      throw new SQLException("the caller's transaction fails after the insert");
                    }))
        .hasMessageContaining("fails after the insert");
    inserted[0].rolledBack();

    assertThat(engine.workers().free()).isEqualTo(free);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    assertThat(sink.received()).isEmpty();
  }

  @Test
  void one_task_of_an_organization_is_handed_off_and_the_rest_is_claimed() throws Exception {
    Engine engine = asleep();
    List<NewTask> three =
        List.of(
            fixture.task(sink.url("/1"), Instant.now()),
            fixture.task(sink.url("/2"), Instant.now()),
            fixture.task(sink.url("/3"), Instant.now()));

    Tasks.Inserted inserted =
        fixture.db.inTransaction(c -> engine.tasks().insertHandingOff(c, three));
    // Decided in the transaction: the first is running, the others wait for the producer.
    assertThat(state(three.get(0), "running")).isOne();
    assertThat(state(three.get(1), "ready") + state(three.get(2), "ready")).isEqualTo(2);
    long claimsBefore = engine.producer().claims();
    inserted.committed();

    sink.awaitCount(3, Duration.ofSeconds(10));
    assertThat(engine.producer().claims()).isGreaterThan(claimsBefore);
    Sink.await(
        Duration.ofSeconds(10),
        "every task recorded",
        () -> fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") == 3);
  }

  @Test
  void a_task_its_host_holds_or_one_not_due_is_inserted_as_it_would_be_and_its_worker_freed()
      throws Exception {
    Engine engine = asleep();
    int free = engine.workers().free();
    NewTask held = fixture.task(sink.url("/held"), Instant.now());
    fixture.db.inTransaction(
        c ->
            c.createStatement()
                .executeUpdate(
                    "INSERT INTO host_states (organization_id, host, circuit, opened_at, reopen_at,"
                        + " updated_at) VALUES ('"
                        + EngineFixture.ORG
                        + "', '"
                        + HostKey.of(sink.url("/held"))
                        + "', 'open', now(), now() + interval '1 hour', now())"));
    insertAndCommit(engine, List.of(held));
    // The claim in the insert (the host's circuit is open) took nothing: held, as a plain insert
    // would leave it, and the worker reserved for it is free again after the commit.
    assertThat(state(held, "held")).isOne();
    assertThat(engine.workers().free()).isEqualTo(free);

    fixture.db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM host_states"));
    NewTask later = fixture.task(sink.url("/later"), Instant.now().plusSeconds(3_600));
    insertAndCommit(engine, List.of(later));
    assertThat(state(later, "ready")).isOne();
    assertThat(engine.workers().free()).isEqualTo(free);
    assertThat(sink.received()).isEmpty();
  }

  @Test
  void an_organization_at_its_cap_is_left_to_the_producer() throws Exception {
    CountDownLatch reply = holdSlowRequests();
    fixture.db.inTransaction(
        c ->
            Db.update(
                c,
                "INSERT INTO organization_caps (organization_id, max_running) VALUES (:org, 1)",
                Db.Params.of("org", EngineFixture.ORG)));
    Engine engine = asleep();
    insertAndCommit(engine, List.of(fixture.task(sink.url("/slow"), Instant.now())));
    sink.awaitCount(1, Duration.ofSeconds(10));

    NewTask second = fixture.task(sink.url("/second"), Instant.now());
    insertAndCommit(engine, List.of(second));

    // At its cap (one running): not handed off, and the producer's claim leaves it too.
    assertThat(state(second, "ready")).isOne();
    reply.countDown();
    sink.awaitCount(2, Duration.ofSeconds(10));
    assertThat(sink.received().get(1).path()).isEqualTo("/second");
  }

  private static String stateOn(java.sql.Connection c, NewTask task) throws SQLException {
    return Db.query(
            c,
            "SELECT state FROM tasks WHERE id = :id",
            Db.Params.of("id", task.id()),
            rs -> rs.getString(1))
        .getFirst();
  }

  @Test
  void two_uncommitted_inserts_of_one_organization_do_not_pass_its_cap_together() throws Exception {
    fixture.db.inTransaction(
        c ->
            Db.update(
                c,
                "INSERT INTO organization_caps (organization_id, max_running) VALUES (:org, 1)",
                Db.Params.of("org", EngineFixture.ORG)));
    Engine engine = asleep();
    NewTask a = fixture.task(sink.url("/a"), Instant.now());
    NewTask b = fixture.task(sink.url("/b"), Instant.now());

    try (java.sql.Connection c1 = fixture.connection();
        java.sql.Connection c2 = fixture.connection()) {
      c1.setAutoCommit(false);
      c2.setAutoCommit(false);
      Tasks.Inserted first = engine.tasks().insertHandingOff(c1, List.of(a));
      // The first has taken the organization's one place but not committed: the second's count
      // of running tasks cannot see it, only this node's count of hand-offs in flight.
      Tasks.Inserted second = engine.tasks().insertHandingOff(c2, List.of(b));
      assertThat(stateOn(c1, a)).isEqualTo("running");
      assertThat(stateOn(c2, b)).isEqualTo("ready");
      c1.commit();
      first.committed();
      c2.commit();
      second.committed();
    }

    sink.awaitCount(2, Duration.ofSeconds(10));
    assertThat(sink.received().get(0).path()).isEqualTo("/a");
  }

  @Test
  void the_producers_claim_counts_a_hand_off_not_yet_committed_against_the_cap() throws Exception {
    fixture.db.inTransaction(
        c ->
            Db.update(
                c,
                "INSERT INTO organization_caps (organization_id, max_running) VALUES (:org, 1)",
                Db.Params.of("org", EngineFixture.ORG)));
    Engine engine = asleep();
    NewTask handed = fixture.task(sink.url("/handed"), Instant.now());
    NewTask waiting = fixture.task(sink.url("/waiting"), Instant.now());

    try (java.sql.Connection c1 = fixture.connection()) {
      c1.setAutoCommit(false);
      Tasks.Inserted first = engine.tasks().insertHandingOff(c1, List.of(handed));
      assertThat(stateOn(c1, handed)).isEqualTo("running");
      // Another due task of the organization, committed while the hand-off is not: the claim
      // cannot see the hand-off running, only this node's count of hand-offs in flight.
      // Inserted without a NOTIFY, so that only this test's claim looks before the commit.
      Instant due =
          fixture.db.inTransaction(c -> engine.tasks().insertQuietly(c, List.of(waiting)));
      assertThat(engine.producer().claim(10)).isEmpty();
      assertThat(state(waiting, "ready")).isOne();
      c1.commit();
      first.committed();
      engine.tasks().committed(due);
    }

    sink.awaitCount(2, Duration.ofSeconds(10));
    assertThat(sink.received().get(0).path()).isEqualTo("/handed");
  }

  @Test
  void in_a_cluster_a_node_past_its_share_leaves_what_it_inserts_to_the_producers()
      throws Exception {
    CountDownLatch reply = holdSlowRequests();
    Engine busy = asleep();
    // Alone, it takes what it inserts whatever it runs already.
    insertAndCommit(busy, List.of(fixture.task(sink.url("/slow/1"), Instant.now())));
    insertAndCommit(busy, List.of(fixture.task(sink.url("/slow/2"), Instant.now())));
    sink.awaitCount(2, Duration.ofSeconds(10));
    Engine idle = asleep();
    busy.heartbeat().beatOnce();
    idle.heartbeat().beatOnce();
    // Two nodes alive, two tasks running, both on the busy one: a share is one.
    NewTask onBusy = fixture.task(sink.url("/via-busy"), Instant.now());
    NewTask onIdle = fixture.task(sink.url("/via-idle"), Instant.now());
    try (java.sql.Connection c1 = fixture.connection();
        java.sql.Connection c2 = fixture.connection()) {
      c1.setAutoCommit(false);
      Tasks.Inserted left = busy.tasks().insertHandingOff(c1, List.of(onBusy));
      assertThat(stateOn(c1, onBusy)).isEqualTo("ready");
      c1.rollback();
      left.rolledBack();
      c2.setAutoCommit(false);
      Tasks.Inserted taken = idle.tasks().insertHandingOff(c2, List.of(onIdle));
      assertThat(stateOn(c2, onIdle)).isEqualTo("running");
      c2.commit();
      taken.committed();
    }

    sink.awaitCount(3, Duration.ofSeconds(10));
    assertThat(sink.received().get(2).path()).isEqualTo("/via-idle");
    reply.countDown();
  }
}
