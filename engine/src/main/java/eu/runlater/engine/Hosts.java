package eu.runlater.engine;

import static eu.runlater.engine.HostQueries.*;
import static eu.runlater.engine.TaskQueries.WAKE_NOTIFY;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

/**
 * What a person may do about a target the engine holds back for an organization (see {@link
 * HostGuard}): take the probe of an open circuit now instead of at the end of its period, or
 * release the target altogether. Each call is one transaction of its own on the engine's pool; it
 * touches only that organization's row and tasks, another organization's state for the same host is
 * never read or changed.
 *
 * <p>Locking follows the completer's rule: the target's {@code host_states} row first, then its
 * tasks, and a task another transaction holds (a claim taking it, a completer recording it) is
 * skipped instead of waited for. A completer locks its batch's tasks before the rows, so waiting on
 * a task while holding the row could deadlock; what is skipped is either under way already or
 * repaired by the leader's next pass.
 */
public final class Hosts {
  private final Db db;
  private final InstantSource clock;
  private final Wakeups wakeups;

  Hosts(Db db, InstantSource clock, Wakeups wakeups) {
    this.db = db;
    this.clock = clock;
    this.wakeups = wakeups;
  }

  /** What a call found and did. */
  public enum Outcome {
    /** The target holds nothing back for this organization: nothing was changed. */
    NOT_HELD,
    /** The target is only throttled; a throttle has no probe ({@link #release} ends it). */
    NOT_OPEN,
    /** Done: the probe is due (or under way), or the target released. */
    DONE
  }

  /**
   * Makes an open circuit's probe due now: the probe delivery (or, when none waits, the earliest
   * held one) runs now, or at its own due time if that is later; the circuit counts as half-open.
   * The probe's outcome decides as usual: success closes the circuit and releases every held task,
   * failure opens it again for the next, longer period.
   *
   * @param target the engine's key of the origin, {@code https://api.example.com:443} ({@link
   *     HostKey})
   */
  public Outcome probeNow(UUID organizationId, String target) throws SQLException {
    Instant now = clock.instant();
    HostGuard.Target host = new HostGuard.Target(organizationId, target);
    Instant[] due = new Instant[1];
    Outcome outcome =
        db.inTransaction(
            c -> {
              Row row = lock(c, host);
              if (row == null || (!row.open() && !row.throttled(now))) {
                return Outcome.NOT_HELD;
              }
              if (!row.open()) {
                return Outcome.NOT_OPEN;
              }
              UUID probe = row.probe();
              if (probe != null) {
                List<Instant> moved =
                    Db.query(
                        c,
                        TASK_PROBE_NOW,
                        host.params().put("probe", probe).put("now", now),
                        rs -> SqlTime.instant(rs, "run_at"));
                if (!moved.isEmpty()) {
                  due[0] = moved.getFirst();
                } else if (Db.query(
                            c, TASK_PROBE_WAITING, Params.of("probe", probe), rs -> rs.getLong(1))
                        .getFirst()
                    == 0) {
                  probe = null; // gone (cancelled, deleted) or held again: name another
                }
                // else: running, or being claimed this instant: under way already.
              }
              if (probe == null) {
                probe = HostGuard.designateProbe(c, host, now);
                due[0] = probe == null ? null : now;
              }
              Db.update(c, HOST_STATE_PROBE_NOW, host.params().put("probe", probe).put("now", now));
              if (due[0] != null) {
                notifyDue(c, due[0]);
              }
              return Outcome.DONE;
            });
    if (due[0] != null) {
      wakeups.wake(due[0]);
    }
    return outcome;
  }

  /**
   * Closes an open circuit and ends a throttle at once, without a probe: every held task goes back
   * to ready with its own due time and attempts, and every task the throttle or the probe pushed
   * back becomes due at the time it was held from (never before its own due time); the target's row
   * goes, its failure count with it. If the host is still down, its circuit opens again after the
   * usual number of failures.
   */
  public Outcome release(UUID organizationId, String target) throws SQLException {
    Instant now = clock.instant();
    HostGuard.Target host = new HostGuard.Target(organizationId, target);
    Instant[] earliest = new Instant[1];
    Outcome outcome =
        db.inTransaction(
            c -> {
              Row row = lock(c, host);
              if (row == null || (!row.open() && !row.throttled(now))) {
                return Outcome.NOT_HELD;
              }
              for (Instant runAt :
                  Db.query(
                      c,
                      TASK_RELEASE_HELD_NOW,
                      host.params().put("now", now),
                      rs -> SqlTime.instant(rs, "run_at"))) {
                if (earliest[0] == null || runAt.isBefore(earliest[0])) {
                  earliest[0] = runAt;
                }
              }
              Db.update(c, HOST_STATE_DELETE, host.params());
              if (earliest[0] != null) {
                notifyDue(c, earliest[0]);
              }
              return Outcome.DONE;
            });
    if (earliest[0] != null) {
      wakeups.wake(earliest[0]);
    }
    return outcome;
  }

  private record Row(String circuit, Instant throttledUntil, UUID probe) {
    boolean open() {
      return "open".equals(circuit);
    }

    boolean throttled(Instant now) {
      return throttledUntil != null && throttledUntil.isAfter(now);
    }
  }

  private static Row lock(Connection c, HostGuard.Target host) throws SQLException {
    List<Row> rows =
        Db.query(
            c,
            HOST_STATE_LOCK,
            host.params(),
            rs ->
                new Row(
                    rs.getString("circuit"),
                    SqlTime.instant(rs, "throttled_until"),
                    rs.getObject("probe_task_id", UUID.class)));
    return rows.isEmpty() ? null : rows.getFirst();
  }

  // Every node's producer hears of it at commit (this one is also woken directly, after).
  private static void notifyDue(Connection c, Instant at) throws SQLException {
    Db.query(c, WAKE_NOTIFY, Params.of("payload", Long.toString(at.toEpochMilli())), rs -> null);
  }
}
