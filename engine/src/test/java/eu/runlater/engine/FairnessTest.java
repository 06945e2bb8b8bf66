package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.testing.MutableClock;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-organization caps and turns: one organization's slow endpoint cannot starve the others. */
class FairnessTest {
  static final UUID A = UUID.fromString("0190c0de-0000-7000-8000-00000000000a");
  static final UUID B = UUID.fromString("0190c0de-0000-7000-8000-00000000000b");
  static final UUID C = UUID.fromString("0190c0de-0000-7000-8000-00000000000c");

  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  private NewTask task(UUID org, String url, Instant runAt) {
    NewTask t = fixture.task(url, runAt);
    return new NewTask(
        t.id(),
        org,
        t.sourceKind(),
        t.sourceId(),
        t.priority(),
        runAt,
        runAt,
        t.maxAttempts(),
        t.backoff(),
        t.request());
  }

  private void cap(UUID org, int max) throws Exception {
    fixture.db.inTransaction(
        c -> {
          new Tenants().setCap(c, org, max);
          return null;
        });
  }

  private static Map<UUID, Long> byOrg(List<ClaimedTask> claimed) {
    return claimed.stream()
        .collect(Collectors.groupingBy(ClaimedTask::organizationId, Collectors.counting()));
  }

  @Test
  void claims_take_organizations_in_turns_oldest_first_within_each() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    Engine engine = fixture.engine(fixture.config().build(), clock);
    Instant now = clock.instant();
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tasks.add(task(A, "http://127.0.0.1:9/", now.minusSeconds(60 - i)));
    }
    NewTask oldestB = task(B, "http://127.0.0.1:9/", now.minusSeconds(10));
    tasks.add(oldestB);
    tasks.add(task(B, "http://127.0.0.1:9/", now.minusSeconds(9)));
    NewTask onlyC = task(C, "http://127.0.0.1:9/", now.minusSeconds(1));
    tasks.add(onlyC);
    fixture.insert(engine, tasks);

    // A's six are the oldest, yet a batch of three takes one of each organization's first turn.
    List<ClaimedTask> first = engine.producer().claim(3);
    assertThat(first)
        .extracting(ClaimedTask::id)
        .containsExactlyInAnyOrder(tasks.getFirst().id(), oldestB.id(), onlyC.id());
    // Second turns: A's next oldest and B's second; C has none left.
    List<ClaimedTask> second = engine.producer().claim(2);
    assertThat(second)
        .extracting(ClaimedTask::id)
        .containsExactlyInAnyOrder(tasks.get(1).id(), tasks.get(7).id());
  }

  @Test
  void an_organization_never_gets_more_than_its_cap_running() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    Engine engine = fixture.engine(fixture.config().build(), clock);
    cap(A, 2);
    Instant now = clock.instant();
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks.add(task(A, "http://127.0.0.1:9/", now.minusSeconds(60 - i)));
    }
    for (int i = 0; i < 3; i++) {
      tasks.add(task(B, "http://127.0.0.1:9/", now.minusSeconds(5 - i)));
    }
    fixture.insert(engine, tasks);

    assertThat(byOrg(engine.producer().claim(10))).isEqualTo(Map.of(A, 2L, B, 3L));
    // A is at its cap: nothing more for it however much waits.
    assertThat(engine.producer().claim(10)).isEmpty();
  }

  @Test
  void a_capped_backlog_of_100k_does_not_hide_another_organization_and_the_claim_stays_cheap()
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    Engine engine = fixture.engine(fixture.config().build(), clock);
    cap(A, 5);
    Instant now = clock.instant();
    fixture.db.withConnection(
        c ->
            Db.update(
                c,
                """
                INSERT INTO tasks (id, organization_id, source_kind, priority, run_at,
                                   scheduled_for, max_attempts, url, method, timeout_ms,
                                   backoff_base_ms, backoff_max_ms, created_at, target_host)
                SELECT gen_random_uuid(), :a, 'message', 5, :t - g * interval '1 millisecond',
                       :t, 1, 'http://127.0.0.1:9/', 'POST', 5000, 50, 200, :t,
                       'http://127.0.0.1:9'
                FROM generate_series(1, 100000) g
                """,
                Params.of("a", A).put("t", now)));
    assertThat(engine.producer().claim(5)).hasSize(5);
    List<NewTask> late = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      late.add(task(B, "http://127.0.0.1:9/", now.minusMillis(i)));
    }
    fixture.insert(engine, late);
    fixture.db.withConnection(c -> c.createStatement().execute("ANALYZE tasks"));

    String plan = explainClaim(now, 20);
    System.out.println("Claim with A capped behind 100k ready tasks:\n" + plan);

    assertThat(engine.producer().claim(20))
        .extracting(ClaimedTask::organizationId)
        .containsExactly(B, B, B);
    double ms = executionMs(plan);
    assertThat(ms).as("claim execution time, ms").isLessThan(250);
  }

  private String explainClaim(Instant now, int limit) throws Exception {
    String sql =
        "EXPLAIN (ANALYZE, BUFFERS) "
            + ClaimQueries.TASK_CLAIM_DUE.replace("RETURNING t.*", "RETURNING t.id");
    // Explain inside a rolled-back transaction: EXPLAIN ANALYZE runs the update.
    return fixture.db.withConnection(
        c -> {
          c.setAutoCommit(false);
          try {
            List<String> lines =
                Db.query(
                    c,
                    sql,
                    Params.of("now", now)
                        .put("ahead_ms", 0)
                        .put("limit", limit)
                        .put("window", Producer.window(limit))
                        .put("default_cap", EngineConfig.DEFAULT_ORGANIZATION_CAP)
                        .put("margin_ms", 5_000L)
                        .put("node", "explain")
                        .put("handing_orgs", Db.SqlArray.of("uuid", List.of()))
                        .put("handing_n", Db.SqlArray.of("int4", List.of())),
                    rs -> rs.getString(1));
            return String.join("\n", lines);
          } finally {
            c.rollback();
            c.setAutoCommit(true);
          }
        });
  }

  private static double executionMs(String plan) {
    var m = java.util.regex.Pattern.compile("Execution Time: ([0-9.]+) ms").matcher(plan);
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void a_slow_organization_at_its_cap_does_not_delay_another_and_still_uses_its_whole_cap()
      throws Exception {
    int capA = 5;
    // A long poll interval: room freed by A's completions must wake the producer, not the poll.
    Engine engine =
        fixture.engine(fixture.config().workers(20).pollInterval(Duration.ofSeconds(5)).build());
    cap(A, capA);
    CountDownLatch releaseA = new CountDownLatch(1);
    AtomicInteger maxA = new AtomicInteger();
    try (Sink slow = Sink.start();
        Sink fast = Sink.start()) {
      slow.respond(
          r -> {
            maxA.accumulateAndGet(slow.inFlight(), Math::max);
            try {
              if (!releaseA.await(30, TimeUnit.SECONDS)) {
                return Reply.status(500);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Reply.status(200).after(Duration.ofMillis(5));
          });
      engine.start();
      List<NewTask> backlog = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        backlog.add(task(A, slow.url("/a"), Instant.now()));
      }
      fixture.insert(engine, backlog);
      Sink.await(Duration.ofSeconds(5), "A at its cap", () -> slow.inFlight() == capA);

      // B pushes tasks while A is saturated; each must start promptly.
      Map<UUID, Instant> inserted = new ConcurrentHashMap<>();
      for (int round = 0; round < 10; round++) {
        NewTask t = task(B, fast.url("/b"), Instant.now());
        inserted.put(t.id(), Instant.now());
        fixture.insert(engine, List.of(t));
        fast.awaitCount(round + 1, Duration.ofSeconds(5));
      }
      long worstMs = 0;
      for (Sink.Received r : fast.received()) {
        UUID id = UUID.fromString(r.header("Runlater-Task-Id"));
        worstMs = Math.max(worstMs, Duration.between(inserted.get(id), r.at()).toMillis());
      }
      System.out.println("B start latency while A saturated, worst of 10: " + worstMs + " ms");
      assertThat(worstMs).isLessThan(1_000);
      assertThat(slow.inFlight()).isEqualTo(capA);

      // A's backlog drains at its full cap, woken by its completions (poll is 5 s).
      long started = System.nanoTime();
      releaseA.countDown();
      slow.awaitCount(300, Duration.ofSeconds(20));
      long drainMs = (System.nanoTime() - started) / 1_000_000;
      System.out.println("A's 300-task backlog at cap 5 drained in " + drainMs + " ms");
      assertThat(drainMs).isLessThan(10_000);
      assertThat(maxA.get()).isLessThanOrEqualTo(capA);
    }
  }
}
