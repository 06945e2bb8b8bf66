package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backpressure and circuits per organization and origin ({@code http://127.0.0.1:port}; two sinks
 * on two ports are two targets), against real HTTP servers.
 */
class HostGuardTest {
  final EngineFixture fixture = new EngineFixture();
  final Sink x = Sink.start();
  final Sink y = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    x.close();
    y.close();
  }

  private NewTask task(String url, Instant runAt, int maxAttempts) {
    return task(EngineFixture.ORG, url, runAt, maxAttempts);
  }

  private NewTask task(UUID org, String url, Instant runAt, int maxAttempts) {
    NewTask t = fixture.task(url, runAt);
    return new NewTask(
        t.id(),
        org,
        t.sourceKind(),
        t.sourceId(),
        t.priority(),
        runAt,
        runAt,
        maxAttempts,
        new Backoff(20, 50),
        t.request());
  }

  private String hostOf(Sink sink) {
    return "http://127.0.0.1:" + sink.port();
  }

  private Instant hostInstant(String column, Sink sink) throws Exception {
    List<Instant> found =
        fixture.db.withConnection(
            c ->
                Db.query(
                    c,
                    "SELECT " + column + " FROM host_states WHERE host = :h",
                    Params.of("h", hostOf(sink)),
                    rs -> SqlTime.instant(rs, column)));
    // A row may exist without the column set (failures counted, circuit still closed).
    return found.isEmpty() ? null : found.getFirst();
  }

  @Test
  void a_429_with_retry_after_holds_back_every_task_to_that_host_and_no_other() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    x.respond(
        r ->
            calls.incrementAndGet() == 1
                ? Reply.status(429).withHeader("Retry-After", "2")
                : Reply.status(200));
    Engine engine = fixture.engine(fixture.config().build());
    engine.start();
    fixture.insert(engine, List.of(task(x.url("/first"), Instant.now(), 3)));
    // Already waiting when the 429 comes: due in 1 s (well after the 429 is recorded, even on a
    // busy machine; within the 2 s it asks for), pushed back with the rest.
    fixture.insert(
        engine,
        List.of(
            task(x.url("/waiting"), Instant.now().plusSeconds(1), 1),
            task(x.url("/waiting"), Instant.now().plusSeconds(1), 1)));
    x.awaitCount(1, Duration.ofSeconds(5));
    Sink.await(
        Duration.ofSeconds(5), "the host throttled", () -> query("throttled_until", x) != null);
    Instant until = hostInstant("throttled_until", x);
    Instant first = x.received().getFirst().at();
    assertThat(Duration.between(first, until))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));

    List<NewTask> later = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      later.add(task(x.url("/later"), Instant.now(), 1));
      later.add(task(y.url("/other"), Instant.now(), 1));
    }
    Instant inserted = Instant.now();
    fixture.insert(engine, later);
    y.awaitCount(5, Duration.ofSeconds(1));
    assertThat(y.received()).allSatisfy(r -> assertThat(r.at()).isBefore(inserted.plusSeconds(1)));

    // 1 throttled + its retry + 2 waiting + 5 later.
    x.awaitCount(9, Duration.ofSeconds(6));
    assertThat(x.received().subList(1, 9))
        .allSatisfy(r -> assertThat(r.at()).isAfterOrEqualTo(until));
    System.out.println(
        "Host X after Retry-After: 2 — first retry "
            + Duration.between(first, x.received().get(1).at()).toMillis()
            + " ms after the 429; host Y served within "
            + y.received().stream()
                .mapToLong(r -> Duration.between(inserted, r.at()).toMillis())
                .max()
                .orElseThrow()
            + " ms");
  }

  private UUID hostProbe(Sink sink) throws Exception {
    return fixture
        .db
        .withConnection(
            c ->
                Db.query(
                    c,
                    "SELECT probe_task_id FROM host_states WHERE host = :h",
                    Params.of("h", hostOf(sink)),
                    rs -> rs.getObject(1, UUID.class)))
        .getFirst();
  }

  private Object query(String column, Sink sink) {
    try {
      return hostInstant(column, sink);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void
      a_failing_host_opens_its_circuit_probes_after_the_period_and_resumes_without_losing_attempts()
          throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    x.respond(r -> Reply.status(healthy.get() ? 200 : 503));
    Engine engine =
        fixture.engine(
            fixture
                .config()
                .circuitThreshold(3)
                .circuitOpenFor(Duration.ofSeconds(1))
                .circuitOpenMax(Duration.ofSeconds(10))
                .build());
    engine.start();
    List<NewTask> failing = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      failing.add(task(x.url("/failing"), Instant.now(), 5));
    }
    fixture.insert(engine, failing);
    Sink.await(Duration.ofSeconds(5), "the circuit open", () -> query("reopen_at", x) != null);
    Instant reopen1 = hostInstant("reopen_at", x);
    Instant opened1 = hostInstant("opened_at", x);
    UUID probe = hostProbe(x);
    assertThat(Duration.between(opened1, reopen1)).isEqualTo(Duration.ofSeconds(1));
    // A retry claimed just before the circuit opened is not held and may still be sent after it:
    // count from when no attempt is in flight; held ones wait for the period's end. (The requests
    // CI saw 41 and 46 ms after opened_at look like the probe itself, claimed a second early
    // before the claim re-checked due times: see ClaimTest.)
    Sink.await(
        Duration.ofSeconds(5),
        "no attempt in flight",
        () -> fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'") == 0);
    int before = x.count();

    // Tasks to the host while its circuit is open wait, held; another host is untouched.
    List<NewTask> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(task(x.url("/held"), Instant.now(), 1));
    }
    fixture.insert(engine, held);
    fixture.insert(engine, List.of(task(y.url("/other"), Instant.now(), 1)));
    y.awaitCount(1, Duration.ofSeconds(1));
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'held'"))
        .isGreaterThanOrEqualTo(5);

    // One probe when the period ends; it fails, and the circuit opens for twice as long.
    x.awaitCount(before + 1, Duration.ofSeconds(3));
    // The next request is the probe the circuit named when it opened, not any other task.
    Sink.Received first = x.received().get(before);
    assertThat(first.header("Runlater-Task-Id")).isEqualTo(probe.toString());
    Instant probe1 = first.at();
    assertThat(probe1).isAfterOrEqualTo(reopen1);
    Sink.await(
        Duration.ofSeconds(3),
        "the circuit re-opened",
        () -> {
          Object r = query("reopen_at", x);
          return r != null && ((Instant) r).isAfter(reopen1);
        });
    Instant reopen2 = hostInstant("reopen_at", x);
    assertThat(Duration.between(hostInstant("opened_at", x), reopen2))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(x.count()).isEqualTo(before + 1);

    // The second probe succeeds: the circuit closes and everything held goes at once.
    healthy.set(true);
    x.awaitCount(before + 2, Duration.ofSeconds(4));
    Instant probe2 = x.received().get(before + 1).at();
    assertThat(probe2).isAfterOrEqualTo(reopen2);
    Set<String> succeeded = Set.of(); // filled below from what the sink saw after the probe
    Sink.await(
        Duration.ofSeconds(2),
        "every task delivered",
        () -> {
          try {
            return fixture.count("SELECT count(*) FROM tasks") == 0;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    System.out.println(
        "Circuit: first probe "
            + Duration.between(reopen1, probe1).toMillis()
            + " ms after reopen_at, second "
            + Duration.between(reopen2, probe2).toMillis()
            + " ms; all held delivered within "
            + Duration.between(probe2, x.received().getLast().at()).toMillis()
            + " ms of the successful probe");
    // Held tasks spent no attempt waiting: each of the five went exactly once, as attempt 1.
    List<Sink.Received> heldDeliveries =
        x.received().stream().filter(r -> r.path().equals("/held")).toList();
    assertThat(heldDeliveries).hasSize(5);
    assertThat(heldDeliveries)
        .allSatisfy(r -> assertThat(r.header("Runlater-Attempt")).isEqualTo("1"));
    Set<UUID> ids =
        heldDeliveries.stream()
            .map(r -> UUID.fromString(r.header("Runlater-Task-Id")))
            .collect(Collectors.toSet());
    assertThat(ids).hasSize(5);
    // Nothing lost: every task ended in success (3 failing, 5 held, 1 to the other host).
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE final AND status = 'success'"))
        .isEqualTo(9);
    assertThat(fixture.count("SELECT count(*) FROM host_states WHERE circuit = 'open'")).isZero();
  }

  static final UUID A = UUID.fromString("0190c0de-0000-7000-8000-00000000000a");
  static final UUID B = UUID.fromString("0190c0de-0000-7000-8000-00000000000b");

  private long states(UUID org, String where) throws Exception {
    return fixture.db.withConnection(
        c ->
            Db.query(
                    c,
                    "SELECT count(*) FROM host_states WHERE organization_id = :o AND " + where,
                    Params.of("o", org),
                    rs -> rs.getLong(1))
                .getFirst());
  }

  private long count(String sql) {
    try {
      return fixture.count(sql);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<Sink.Received> under(Sink sink, String prefix) {
    return sink.received().stream().filter(r -> r.path().startsWith(prefix)).toList();
  }

  @Test
  void one_organizations_open_circuit_never_holds_anothers_deliveries_to_the_same_host()
      throws Exception {
    // One server, two tenants: A's endpoint is down (503), B's answers.
    x.respond(r -> Reply.status(r.path().startsWith("/a/") ? 503 : 200));
    Engine engine =
        fixture.engine(
            fixture
                .config()
                .circuitThreshold(3)
                .circuitOpenFor(Duration.ofSeconds(60))
                .circuitOpenMax(Duration.ofSeconds(60))
                .build());
    engine.start();
    List<NewTask> down = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      down.add(task(A, x.url("/a/down"), Instant.now(), 1));
    }
    fixture.insert(engine, down);
    Sink.await(
        Duration.ofSeconds(5),
        "A's circuit open",
        () -> {
          try {
            return states(A, "circuit = 'open'") == 1;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    List<NewTask> theirs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      theirs.add(task(B, x.url("/b/ok"), Instant.now(), 1));
    }
    NewTask held = task(A, x.url("/a/ok"), Instant.now(), 1);
    Instant inserted = Instant.now();
    fixture.insert(engine, List.of(held));
    fixture.insert(engine, theirs);

    Sink.await(Duration.ofSeconds(5), "B's deliveries", () -> under(x, "/b/").size() == 5);
    assertThat(under(x, "/b/"))
        .allSatisfy(r -> assertThat(r.at()).isBefore(inserted.plusSeconds(1)));
    // A's own new task to the host waits for A's circuit; B has no state at all.
    assertThat(under(x, "/a/ok")).isEmpty();
    // Waiting means held, or ready but due when A's circuit reopens: the leader's pass makes the
    // earliest held task the circuit's probe (the three failed tasks have no attempts left).
    assertThat(
            count(
                "SELECT count(*) FROM tasks t JOIN host_states h"
                    + " ON h.organization_id = t.organization_id AND h.host = t.target_host"
                    + " WHERE t.id = '"
                    + held.id()
                    + "' AND (t.state = 'held' OR (t.state = 'ready' AND t.run_at >= h.reopen_at))"))
        .isEqualTo(1);
    assertThat(states(B, "true")).isZero();
    // The gauges count per organization, by id.
    engine.hostGuard().runOnce(Instant.now());
    assertThat(engine.hostGuard().troubledByOrganization())
        .containsExactly(new HostGuard.Troubled(A, 0, 1));
  }

  @Test
  void one_organizations_retry_after_throttle_never_delays_anothers_deliveries_to_the_same_host()
      throws Exception {
    x.respond(
        r ->
            r.path().startsWith("/a/")
                ? Reply.status(429).withHeader("Retry-After", "60")
                : Reply.status(200));
    Engine engine = fixture.engine(fixture.config().build());
    engine.start();
    fixture.insert(engine, List.of(task(A, x.url("/a/busy"), Instant.now(), 3)));
    Sink.await(
        Duration.ofSeconds(5),
        "A throttled",
        () -> {
          try {
            return states(A, "throttled_until > now()") == 1;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    NewTask pushed = task(A, x.url("/a/later"), Instant.now(), 1);
    List<NewTask> theirs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      theirs.add(task(B, x.url("/b/ok"), Instant.now(), 1));
    }
    Instant inserted = Instant.now();
    fixture.insert(engine, List.of(pushed));
    fixture.insert(engine, theirs);

    Sink.await(Duration.ofSeconds(5), "B's deliveries", () -> under(x, "/b/").size() == 5);
    assertThat(under(x, "/b/"))
        .allSatisfy(r -> assertThat(r.at()).isBefore(inserted.plusSeconds(1)));
    assertThat(under(x, "/a/later")).isEmpty();
    assertThat(
            count(
                "SELECT count(*) FROM tasks WHERE id = '"
                    + pushed.id()
                    + "' AND run_at > now() + interval '50 seconds'"))
        .isEqualTo(1);
    assertThat(states(B, "true")).isZero();
  }

  @Test
  void a_500_on_one_endpoint_never_holds_another_endpoint_of_the_same_host() throws Exception {
    x.respond(r -> Reply.status(r.path().equals("/fail") ? 500 : 200));
    Engine engine =
        fixture.engine(
            fixture
                .config()
                .circuitThreshold(3)
                .circuitOpenFor(Duration.ofSeconds(60))
                .circuitOpenMax(Duration.ofSeconds(60))
                .build());
    engine.start();
    // Five failing runs of a job, each retried: well past the circuit's threshold.
    List<NewTask> failing = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      failing.add(task(x.url("/fail"), Instant.now(), 2));
    }
    fixture.insert(engine, failing);
    x.awaitCount(10, Duration.ofSeconds(5));
    Sink.await(
        Duration.ofSeconds(5),
        "the failing runs finished",
        () -> count("SELECT count(*) FROM executions WHERE final AND status = 'failed'") == 5);

    Instant inserted = Instant.now();
    fixture.insert(engine, List.of(task(x.url("/ok"), Instant.now(), 1)));
    Sink.await(Duration.ofSeconds(5), "/ok delivered", () -> under(x, "/ok").size() == 1);
    assertThat(under(x, "/ok").getFirst().at()).isBefore(inserted.plusSeconds(1));
    // A 500 shows the host is up: nothing counts against it.
    assertThat(count("SELECT count(*) FROM host_states WHERE circuit = 'open'")).isZero();
    assertThat(count("SELECT count(*) FROM tasks WHERE state = 'held'")).isZero();
  }

  @Test
  void the_leaders_pass_releases_a_held_task_whose_circuit_is_no_longer_open() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    NewTask stray = task(x.url("/stray"), Instant.now(), 1);
    fixture.insert(engine, List.of(stray));
    // As if inserted while its circuit was closing: held, with no open circuit to release it.
    fixture.db.withConnection(
        c ->
            Db.update(
                c, "UPDATE tasks SET state = 'held' WHERE id = :id", Params.of("id", stray.id())));

    HostGuard.Result result = engine.hostGuard().runOnce(Instant.now());

    assertThat(count("SELECT count(*) FROM tasks WHERE state = 'ready'")).isEqualTo(1);
    assertThat(result.wakeAt()).isNotNull();
  }
}
