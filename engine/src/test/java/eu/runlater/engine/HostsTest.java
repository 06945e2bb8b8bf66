package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Completion.HostSignal;
import eu.runlater.engine.Completion.HostSignal.Kind;
import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A person acting on a held target ({@link Hosts}): "probe now" and "release", per organization,
 * and the hold each delivery remembers into its execution row. Components are driven directly on a
 * settable clock: attempts are completed with the host signal a delivery would have reported.
 */
class HostsTest {
  static final UUID A = EngineFixture.ORG;
  static final UUID B = UUID.fromString("0190c0de-0000-7000-8000-00000000000b");
  static final String URL = "http://127.0.0.1:9/hook";
  static final String TARGET = HostKey.of(URL);

  final EngineFixture fixture = new EngineFixture();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
  final Instant t0 = clock.instant();
  final Engine engine =
      fixture.engine(
          fixture
              .config()
              .circuitThreshold(2)
              .circuitOpenFor(Duration.ofSeconds(60))
              .circuitOpenMax(Duration.ofMinutes(10))
              .build(),
          clock);

  @AfterEach
  void close() {
    fixture.close();
  }

  private NewTask task(UUID org, Instant runAt) {
    NewTask t = fixture.task(URL, runAt);
    return new NewTask(
        t.id(),
        org,
        t.sourceKind(),
        t.sourceId(),
        t.priority(),
        runAt,
        runAt,
        3,
        t.backoff(),
        t.request());
  }

  private Completion attempt(ClaimedTask task, String status, Instant retryAt, HostSignal signal) {
    var id = Ids.v7(clock.instant());
    return new Completion(
        task,
        new ExecutionRecord(
            id,
            Ids.instantOf(id),
            status,
            retryAt == null,
            clock.instant(),
            clock.instant(),
            1_000L,
            "success".equals(status) ? 200 : 503,
            "success".equals(status) ? null : "HTTP 503",
            retryAt,
            List.of(),
            null,
            "node-test"),
        retryAt,
        signal);
  }

  private Completion failed(ClaimedTask task) {
    return attempt(
        task, "failed", clock.instant().plusSeconds(1), new HostSignal(TARGET, Kind.FAILED, null));
  }

  private Completion succeeded(ClaimedTask task) {
    return attempt(task, "success", null, new HostSignal(TARGET, Kind.ALIVE, null));
  }

  private Completion throttled(ClaimedTask task, Instant until) {
    return attempt(
        task,
        "failed",
        clock.instant().plusSeconds(1),
        new HostSignal(TARGET, Kind.THROTTLED, until));
  }

  private void insert(NewTask... tasks) throws Exception {
    fixture.insert(engine, List.of(tasks));
  }

  /** Opens {@code org}'s circuit to the target: two attempts fail. */
  private void openCircuit(UUID org) throws Exception {
    insert(task(org, clock.instant()), task(org, clock.instant()));
    List<ClaimedTask> claimed = engine.producer().claim(2);
    assertThat(claimed).hasSize(2);
    engine.completer().flush(claimed.stream().map(this::failed).toList());
    assertThat(row(org, "circuit")).isEqualTo("open");
  }

  private Object row(UUID org, String column) throws Exception {
    List<Object> found =
        fixture.db.withConnection(
            c ->
                Db.query(
                    c,
                    "SELECT " + column + " FROM host_states WHERE organization_id = :o",
                    Params.of("o", org),
                    rs -> rs.getObject(1)));
    return found.isEmpty() ? null : found.getFirst();
  }

  private long count(String where) throws Exception {
    return fixture.count("SELECT count(*) FROM " + where);
  }

  private record Recorded(String by, Instant since, Instant until, String note) {}

  private Recorded recorded(UUID taskId, int attempt) throws Exception {
    return fixture.db.withConnection(
        c ->
            Db.query(
                    c,
                    "SELECT held_by, held_since, held_until, held_note FROM executions"
                        + " WHERE task_id = :id AND attempt = :n",
                    Params.of("id", taskId).put("n", attempt),
                    rs ->
                        new Recorded(
                            rs.getString(1),
                            SqlTime.instant(rs, "held_since"),
                            SqlTime.instant(rs, "held_until"),
                            rs.getString(4)))
                .getFirst());
  }

  @Test
  void probe_now_sends_the_probe_at_once_and_its_success_releases_the_held_deliveries()
      throws Exception {
    openCircuit(A);
    openCircuit(B);
    Object bReopen = row(B, "reopen_at");
    clock.advance(Duration.ofSeconds(5));
    Instant heldAt = clock.instant();
    // Inserted while the circuit is open: held from the start, and it says so.
    NewTask waiting = task(A, heldAt);
    insert(waiting);
    assertThat(count("tasks WHERE state = 'held' AND held_by = 'host_circuit'")).isEqualTo(3);
    // Nothing is due before the period ends.
    assertThat(engine.producer().claim(10)).isEmpty();

    clock.advance(Duration.ofSeconds(5));
    Instant probedAt = clock.instant();
    assertThat(engine.hosts().probeNow(A, TARGET)).isEqualTo(Hosts.Outcome.DONE);

    // A's probe is due now; B's circuit, to the same host, still waits for its own period.
    List<ClaimedTask> probe = engine.producer().claim(10);
    assertThat(probe).hasSize(1);
    assertThat(probe.getFirst().organizationId()).isEqualTo(A);
    assertThat(probe.getFirst().held().by()).isEqualTo(ClaimedTask.Held.HOST_CIRCUIT);
    assertThat(probe.getFirst().held().until()).isEqualTo(probedAt);
    assertThat(row(B, "reopen_at")).isEqualTo(bReopen);

    engine.completer().flush(List.of(succeeded(probe.getFirst())));
    assertThat(row(A, "circuit")).isNull();
    List<ClaimedTask> released = engine.producer().claim(10);
    assertThat(released).hasSize(2).allMatch(t -> t.organizationId().equals(A));
    engine.completer().flush(released.stream().map(this::succeeded).toList());

    // Every delivery that waited says so in its execution: held by the circuit, from when to when.
    Recorded late = recorded(waiting.id(), 1);
    assertThat(late.by()).isEqualTo("host_circuit");
    assertThat(late.since()).isEqualTo(heldAt);
    assertThat(late.until()).isEqualTo(probedAt);
    assertThat(late.note()).isEqualTo(TARGET);
    assertThat(recorded(probe.getFirst().id(), 2).by()).isEqualTo("host_circuit");
    // The first, failing attempts were not held.
    assertThat(recorded(probe.getFirst().id(), 1).by()).isNull();
    // B untouched: its circuit open, its tasks held.
    assertThat(row(B, "circuit")).isEqualTo("open");
    assertThat(count("tasks WHERE organization_id = '" + B + "'")).isEqualTo(2);
    assertThat(engine.hosts().probeNow(A, TARGET)).isEqualTo(Hosts.Outcome.NOT_HELD);
  }

  @Test
  void probe_now_never_starts_a_delivery_before_its_own_time() throws Exception {
    openCircuit(A);
    // The only task left is due in an hour: probing now makes it the probe, due at its time.
    fixture.db.withConnection(c -> Db.update(c, "DELETE FROM tasks", Params.of()));
    NewTask later = task(A, t0.plus(Duration.ofHours(1)));
    insert(later);
    assertThat(engine.hosts().probeNow(A, TARGET)).isEqualTo(Hosts.Outcome.DONE);
    assertThat(engine.producer().claim(10)).isEmpty();
    assertThat(
            count(
                "tasks WHERE state = 'ready' AND run_at = '" + t0.plus(Duration.ofHours(1)) + "'"))
        .isEqualTo(1);
  }

  @Test
  void release_closes_the_circuit_and_every_held_delivery_keeps_its_time_and_attempts()
      throws Exception {
    openCircuit(A);
    openCircuit(B);
    clock.advance(Duration.ofSeconds(10));
    assertThat(engine.hosts().release(A, TARGET)).isEqualTo(Hosts.Outcome.DONE);

    assertThat(row(A, "circuit")).isNull();
    // Both of A's tasks are due again at their retry time (1 s after they failed), attempts kept.
    List<ClaimedTask> released = engine.producer().claim(10);
    assertThat(released).hasSize(2).allMatch(t -> t.organizationId().equals(A));
    assertThat(released).allMatch(t -> t.attempt() == 2 && t.runAt().equals(t0.plusSeconds(1)));
    engine.completer().flush(released.stream().map(this::succeeded).toList());
    Recorded held = recorded(released.getFirst().id(), 2);
    assertThat(held.by()).isEqualTo("host_circuit");
    assertThat(held.until()).isEqualTo(clock.instant());
    assertThat(row(B, "circuit")).isEqualTo("open");
    assertThat(engine.hosts().release(A, TARGET)).isEqualTo(Hosts.Outcome.NOT_HELD);
  }

  @Test
  void release_ends_a_throttle_and_brings_pushed_back_deliveries_to_the_time_they_were_held_from()
      throws Exception {
    NewTask soon = task(A, t0.plusSeconds(30));
    NewTask first = task(A, t0);
    insert(first, soon);
    ClaimedTask busy = engine.producer().claim(1).getFirst();
    Instant until = t0.plus(Duration.ofMinutes(10));
    engine.completer().flush(List.of(throttled(busy, until)));
    // B is throttled by the same host on its own.
    insert(task(B, t0));
    engine.completer().flush(List.of(throttled(engine.producer().claim(1).getFirst(), until)));
    NewTask after = task(A, t0);
    insert(after);
    assertThat(count("tasks WHERE organization_id = '" + A + "' AND run_at = '" + until + "'"))
        .isEqualTo(3);
    assertThat(engine.hosts().probeNow(A, TARGET)).isEqualTo(Hosts.Outcome.NOT_OPEN);

    assertThat(engine.hosts().release(A, TARGET)).isEqualTo(Hosts.Outcome.DONE);
    assertThat(row(A, "throttled_until")).isNull();
    // Due again when the throttle took hold of each: now, its retry time, its own time.
    List<ClaimedTask> due = engine.producer().claim(10);
    assertThat(due).extracting(ClaimedTask::id).containsExactly(after.id());
    clock.advance(Duration.ofSeconds(30));
    due = engine.producer().claim(10);
    assertThat(due).extracting(ClaimedTask::id).containsExactlyInAnyOrder(first.id(), soon.id());
    engine.completer().flush(due.stream().map(this::succeeded).toList());
    Recorded held = recorded(soon.id(), 1);
    assertThat(held.by()).isEqualTo("host_throttle");
    assertThat(held.note()).isEqualTo(TARGET);
    assertThat(held.since()).isEqualTo(t0.plusSeconds(30));
    assertThat(held.until()).isEqualTo(t0);
    // B's throttle stands.
    assertThat(row(B, "throttled_until")).isNotNull();
    assertThat(count("tasks WHERE organization_id = '" + B + "' AND run_at = '" + until + "'"))
        .isEqualTo(1);
  }
}
