package eu.runlater.engine;

import static eu.runlater.engine.HostQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backpressure and a circuit breaker per organization and target origin ({@link HostKey}), shared
 * by every node through {@code host_states}. One organization's state never touches another's
 * tasks: tenant A provoking 429s or timeouts from a shared host (Slack, a popular API) holds back
 * only A's deliveries to it.
 *
 * <p><b>Throttle.</b> A 429 or 503 with {@code Retry-After} (capped at an hour) sets the target's
 * {@code throttled_until}: the organization's waiting tasks to it are pushed back to that instant,
 * and tasks inserted later are due no earlier (the insert reads the row). Pushing back once is
 * cheaper than excluding throttled targets in every claim: the claim stays the plain index walk,
 * and the cost falls on the rare throttle instead of the hot path. Attempts already under way are
 * not recalled.
 *
 * <p><b>Circuit.</b> {@code circuitThreshold} consecutive signs that the host is down (see {@link
 * Delivery}: connection refused or reset, timeouts, 502/503/504, an unresolvable name or a failed
 * TLS handshake) open the target's circuit for {@code circuitOpenFor}: its waiting tasks become
 * {@code held}, out of the ready index, keeping their due time and attempts (an open circuit spends
 * none), and tasks inserted meanwhile are held too. One held task, the probe, stays ready, due when
 * the period ends. Its success closes the circuit and every held task goes back to ready at once;
 * its failure opens it again for twice as long, up to {@code circuitOpenMax}. Any other answer from
 * the host, a 500 or a 404 included, shows it up and closes the circuit as well: such an answer is
 * about its endpoint (often about one request), and is left to that task's own retries and backoff.
 *
 * <p>Everything runs in the completer's transaction, after the attempts' tasks were updated, with
 * the targets' rows locked in key order. A batch without troubled targets costs one primary-key
 * read of a table that holds only targets in trouble, sent with the attempts' record (no round trip
 * of its own). The leader's pass ({@link #runOnce}) repairs what a race let through (a task
 * inserted while a throttle or circuit was being set or cleared, a rescued task, a probe that was
 * cancelled), and deletes rows of targets that recovered. Consecutive failures counted by two nodes
 * at the same instant for a target without a row may undercount by one batch.
 */
final class HostGuard {
  /** At most this many organizations get their own series in the host gauges. */
  static final int MAX_ORGANIZATIONS_IN_METRICS = 1_000;

  private final Db db;
  private final EngineConfig config;
  private final AtomicInteger throttled = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private volatile List<Troubled> byOrganization = List.of();

  HostGuard(Db db, EngineConfig config) {
    this.db = db;
    this.config = config;
  }

  /**
   * One organization's origin. Ordered as PostgreSQL orders the primary key ({@code uuid} by its
   * bytes, which is the order of its text; {@code host} under "C"), so that the completer locks
   * rows in the order {@code HOST_STATE_GET_MANY} does.
   */
  record Target(UUID organizationId, String host) implements Comparable<Target> {
    @Override
    public int compareTo(Target o) {
      int c = organizationId.toString().compareTo(o.organizationId.toString());
      return c != 0 ? c : host.compareTo(o.host);
    }

    Params params() {
      return Params.of("org", organizationId).put("host", host);
    }
  }

  /** How many of one organization's targets are throttled, and how many have an open circuit. */
  record Troubled(UUID organizationId, int throttled, int open) {}

  /** What one batch or pass did that the producer should know: the earliest task it made due. */
  record Result(Instant wakeAt) {
    static final Result NONE = new Result(null);
  }

  private static final class Seen {
    boolean alive;
    int trailingFailures;
    Instant throttledUntil;
    String lastError;
    final Set<UUID> failed = new HashSet<>();
  }

  record Row(
      Instant throttledUntil,
      int failures,
      String circuit,
      Instant reopenAt,
      int openCount,
      UUID probe) {}

  /**
   * What the host signals of {@code batch} need read: its targets' rows, read and locked by {@link
   * Rows#SQL}, which the completer sends in the round trip that records the batch's attempts (so
   * after their tasks are updated); {@link Rows#NONE} when no attempt signals anything. It may name
   * a target only attempts the record then rejects (their lease lost) signal about: that row is
   * locked and left as it is.
   */
  static Rows rowsFor(List<Completion> batch) {
    Set<Target> targets = new TreeSet<>();
    for (Completion completion : batch) {
      if (completion.host().kind() != Completion.HostSignal.Kind.NONE) {
        targets.add(new Target(completion.task().organizationId(), completion.host().host()));
      }
    }
    if (targets.isEmpty()) {
      return Rows.NONE;
    }
    List<UUID> orgs = targets.stream().map(Target::organizationId).toList();
    List<String> names = targets.stream().map(Target::host).toList();
    return new Rows(
        Params.of("orgs", Db.SqlArray.of("uuid", orgs)).put("hosts", Db.SqlArray.of("text", names)),
        new HashMap<>());
  }

  /** The target rows a batch's signals need, as {@link #rowsFor} asks for them and reads them. */
  record Rows(Params params, Map<Target, Row> read) implements Db.RowsReader {
    static final Rows NONE = new Rows(Params.of(), Map.of());
    static final String SQL = HOST_STATE_GET_MANY;

    @Override
    public void read(ResultSet rs) throws SQLException {
      while (rs.next()) {
        read.put(
            new Target(rs.getObject("organization_id", UUID.class), rs.getString("host")),
            new Row(
                SqlTime.instant(rs, "throttled_until"),
                rs.getInt("consecutive_failures"),
                rs.getString("circuit"),
                SqlTime.instant(rs, "reopen_at"),
                rs.getInt("open_count"),
                rs.getObject("probe_task_id", UUID.class)));
      }
    }
  }

  /**
   * Applies the host signals of recorded attempts, in the completer's transaction, over {@code
   * rows}: the rows {@link #rowsFor} asked for, read, of a batch that held these attempts.
   */
  Result record(Connection c, List<Completion> recorded, Rows rows, Instant now)
      throws SQLException {
    Map<Target, Seen> hosts = new TreeMap<>();
    for (Completion completion : recorded) {
      Completion.HostSignal signal = completion.host();
      if (signal.kind() == Completion.HostSignal.Kind.NONE) {
        continue;
      }
      Target target = new Target(completion.task().organizationId(), signal.host());
      Seen seen = hosts.computeIfAbsent(target, h -> new Seen());
      switch (signal.kind()) {
        case ALIVE -> {
          seen.alive = true;
          seen.trailingFailures = 0;
        }
        case FAILED -> {
          seen.trailingFailures++;
          seen.lastError = completion.execution().error();
          seen.failed.add(completion.task().id());
        }
        case THROTTLED -> {
          if (seen.throttledUntil == null || signal.until().isAfter(seen.throttledUntil)) {
            seen.throttledUntil = signal.until();
          }
        }
        case NONE -> {}
      }
    }
    if (hosts.isEmpty()) {
      return Result.NONE;
    }
    Instant wakeAt = null;
    for (var entry : hosts.entrySet()) {
      Instant wake =
          apply(c, entry.getKey(), entry.getValue(), rows.read().get(entry.getKey()), now);
      if (wake != null && (wakeAt == null || wake.isBefore(wakeAt))) {
        wakeAt = wake;
      }
    }
    return new Result(wakeAt);
  }

  private Instant apply(Connection c, Target host, Seen seen, Row row, Instant now)
      throws SQLException {
    int failures =
        seen.alive
            ? seen.trailingFailures
            : (row == null ? 0 : row.failures()) + seen.trailingFailures;
    String circuit = row == null ? "closed" : row.circuit();
    Instant reopenAt = row == null ? null : row.reopenAt();
    int openCount = row == null ? 0 : row.openCount();
    UUID probe = row == null ? null : row.probe();
    Instant openedAt = null;
    boolean hold = false;
    boolean release = false;
    Instant wakeAt = null;

    if (seen.throttledUntil != null) {
      Db.update(
          c, TASK_PUSH_BACK_HOST, host.params().put("until", seen.throttledUntil).put("now", now));
    }
    if ("open".equals(circuit)) {
      if (seen.alive) {
        circuit = "closed";
        reopenAt = null;
        openCount = 0;
        probe = null;
        release = true;
      } else if (seen.trailingFailures > 0) {
        if (probe != null && seen.failed.contains(probe)) {
          openCount++;
          reopenAt = now.plus(period(openCount));
          openedAt = now;
          probe = null;
        }
        hold = true;
      }
    } else if (failures >= config.circuitThreshold()) {
      circuit = "open";
      openCount = 1;
      reopenAt = now.plus(period(openCount));
      openedAt = now;
      probe = null;
      hold = true;
    }

    if (hold) {
      Db.update(c, TASK_HOLD_HOST, host.params().put("probe", probe).put("now", now));
      if (probe == null) {
        probe = designateProbe(c, host, reopenAt);
        wakeAt = reopenAt;
      }
    }
    if (release) {
      Db.query(c, TASK_RELEASE_HOST, host.params().put("now", now), rs -> null);
      wakeAt = now;
    }

    boolean throttledLater =
        seen.throttledUntil != null
            || (row != null && row.throttledUntil() != null && row.throttledUntil().isAfter(now));
    boolean healthy = "closed".equals(circuit) && failures == 0 && !throttledLater;
    if (healthy) {
      if (row != null) {
        Db.update(c, HOST_STATE_DELETE, host.params());
      }
    } else {
      Db.update(
          c,
          HOST_STATE_UPSERT,
          host.params()
              .put("throttled_until", seen.throttledUntil)
              .put("failures", failures)
              .put("circuit", circuit)
              .put("opened_at", openedAt)
              .put("reopen_at", reopenAt)
              .put("open_count", openCount)
              .put("probe", probe)
              .put("last_error", seen.lastError)
              .put("now", now));
    }
    return wakeAt;
  }

  static UUID designateProbe(Connection c, Target host, Instant reopenAt) throws SQLException {
    List<UUID> ids =
        Db.query(
            c,
            TASK_RELEASE_PROBE,
            host.params().put("reopen_at", reopenAt),
            rs -> rs.getObject(1, UUID.class));
    return ids.isEmpty() ? null : ids.getFirst();
  }

  /** How long the circuit stays open the n-th time in a row (1 = first): doubling, capped. */
  Duration period(int n) {
    Duration d = config.circuitOpenFor();
    for (int i = 1; i < n && d.compareTo(config.circuitOpenMax()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.circuitOpenMax()) > 0 ? config.circuitOpenMax() : d;
  }

  /**
   * The leader's pass: holds stray ready tasks of open circuits and names a probe where none waits;
   * releases held tasks whose circuit is no longer open; pushes back stray tasks of throttled
   * targets; forgets targets that recovered; refreshes the gauges.
   */
  Result runOnce(Instant now) throws SQLException {
    return db.inTransaction(
        c -> {
          record Open(Target target, Instant reopenAt, UUID probe) {}
          List<Open> opens =
              Db.query(
                  c,
                  HOST_STATE_OPEN_LIST,
                  Params.of(),
                  rs ->
                      new Open(
                          new Target(
                              rs.getObject("organization_id", UUID.class), rs.getString("host")),
                          SqlTime.instant(rs, "reopen_at"),
                          rs.getObject("probe_task_id", UUID.class)));
          Instant wakeAt = null;
          for (Open o : opens) {
            UUID probe = o.probe();
            if (probe != null
                && Db.query(c, TASK_PROBE_WAITING, Params.of("probe", probe), rs -> rs.getLong(1))
                        .getFirst()
                    == 0) {
              probe = null;
            }
            Db.update(c, TASK_HOLD_HOST, o.target().params().put("probe", probe).put("now", now));
            if (probe == null) {
              probe = designateProbe(c, o.target(), o.reopenAt());
              if (probe != null) {
                Db.update(c, HOST_STATE_SET_PROBE, o.target().params().put("probe", probe));
                wakeAt = earlier(wakeAt, o.reopenAt());
              }
            }
          }
          for (Instant released :
              Db.query(
                  c,
                  TASK_RELEASE_ORPHANS,
                  Params.of("now", now),
                  rs -> SqlTime.instant(rs, "run_at"))) {
            wakeAt = earlier(wakeAt, released);
          }
          Db.update(c, TASK_PUSH_BACK_THROTTLED, Params.of("now", now));
          Db.update(c, HOST_STATE_DELETE_HEALTHY, Params.of("now", now));
          List<Troubled> counts =
              Db.query(
                  c,
                  HOST_STATE_COUNTS,
                  Params.of("now", now),
                  rs ->
                      new Troubled(
                          rs.getObject("organization_id", UUID.class),
                          rs.getInt("throttled"),
                          rs.getInt("open")));
          throttled.set(counts.stream().mapToInt(Troubled::throttled).sum());
          open.set(counts.stream().mapToInt(Troubled::open).sum());
          byOrganization =
              counts.stream()
                  .filter(t -> t.throttled() > 0 || t.open() > 0)
                  .sorted(
                      java.util.Comparator.comparingInt((Troubled t) -> t.throttled() + t.open())
                          .reversed())
                  .limit(MAX_ORGANIZATIONS_IN_METRICS)
                  .toList();
          return new Result(wakeAt);
        });
  }

  /**
   * What {@link #runOnce} would find and do when there is no {@code host_states} row and no held
   * task (the leader's probe said so): nothing to hold, release or push back, no troubled host.
   */
  Result untroubled() {
    throttled.set(0);
    open.set(0);
    byOrganization = List.of();
    return new Result(null);
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || (b != null && b.isBefore(a)) ? b : a;
  }

  int throttledHosts() {
    return throttled.get();
  }

  int openCircuits() {
    return open.get();
  }

  /**
   * Organizations with throttled targets or open circuits, as of the last pass, the most troubled
   * first, at most {@value #MAX_ORGANIZATIONS_IN_METRICS}.
   */
  List<Troubled> troubledByOrganization() {
    return byOrganization;
  }
}
