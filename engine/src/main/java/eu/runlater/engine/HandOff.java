package eu.runlater.engine;

import static eu.runlater.engine.ClaimQueries.TASK_HAND_OFF;
import static eu.runlater.engine.ClaimQueries.TASK_HAND_OFF_WITH_ROOM;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Claims the tasks an outcome hook inserted, due now, in the completer's own transaction, and
 * starts them on this node's free workers once it commits: a workflow's next step (or a queue's
 * next message) goes out without waiting for the producer's wake-up and its claim statement.
 *
 * <p>The claim is the producer's, aimed at known rows: each task gets its attempt, a lease and a
 * fencing token ({@link ClaimQueries#TASK_HAND_OFF}), the claim hook acts on them in the same
 * transaction, and each worker asks the heartbeat's fence before its send. What it leaves alone
 * stays ready for the producer: a task not due yet (or held, or throttled), one beyond the
 * organization's share, all of them while the producer has due work of its own or does not claim at
 * all.
 *
 * <p>Fair, because it only hands off what could not have overtaken anything: it never acts while
 * the producer waits for room for due tasks of organizations at their caps, nor while due tasks may
 * be waiting for its next claim (its last claim took all it asked for, or it waits for workers); it
 * takes every free worker only while the producer sleeps because its last look found nothing due,
 * and at most half of them while the producer works after a claim that took everything due (the
 * other half stays for what its next claim finds: {@link Producer#handOffLimit()}); and it gives an
 * organization at most as many tasks as the batch finished for it — each one takes the place of an
 * attempt that just ended, so no organization runs more at once than before.
 *
 * <p>If the transaction fails the workers reserved are freed and nothing was claimed; if the
 * heartbeat went stale by the commit, the tasks are handed back to ready unstarted; if the node
 * dies after the commit, their leases expire and the rescuer makes them ready again.
 */
final class HandOff {
  private final EngineConfig config;
  private final InstantSource clock;
  private final Heartbeat heartbeat;
  private final EngineMetrics metrics;
  private final Db db;
  private Workers workers;
  private ClaimHook hook = ClaimHook.NONE;
  private Tasks tasks;
  private BooleanSupplier allowed = () -> false;
  private IntSupplier limit = () -> 0;
  private final InsertedHandOffs inFlight;

  HandOff(
      Db db,
      EngineConfig config,
      InstantSource clock,
      Heartbeat heartbeat,
      EngineMetrics metrics,
      InsertedHandOffs inFlight) {
    this.db = db;
    this.inFlight = inFlight;
    this.config = config;
    this.clock = clock;
    this.heartbeat = heartbeat;
    this.metrics = metrics;
  }

  /**
   * The workers to start on, the claim hook, whether the producer lets tasks start without its
   * claim ({@link Producer#mayHandOff()}) and on how many of the free workers ({@link
   * Producer#handOffLimit()}).
   */
  void wire(
      Workers workers, ClaimHook hook, Tasks tasks, BooleanSupplier allowed, IntSupplier limit) {
    this.workers = workers;
    this.hook = hook;
    this.tasks = tasks;
    this.allowed = allowed;
    this.limit = limit;
  }

  /** What one hand-off claimed, and the workers it holds for it. */
  static final class Taken {
    static final Taken NONE = new Taken(0, null);

    private int reserved;
    private final BooleanSupplier fence;
    private List<ClaimedTask> claimed = List.of();

    /** The organizations whose count in {@link InsertedHandOffs} this one holds. */
    private List<UUID> holding = List.of();

    private Taken(int reserved, BooleanSupplier fence) {
      this.reserved = reserved;
      this.fence = fence;
    }

    List<ClaimedTask> claimed() {
      return claimed;
    }

    /**
     * The earliest due time among {@code inserted} left for the producer ({@code earliest} when
     * nothing was handed off; null when everything was): the wake-up its commit asks for.
     */
    Instant earliestLeft(List<NewTask> inserted, Instant earliest) {
      if (claimed.isEmpty()) {
        return earliest;
      }
      Set<UUID> handed = new HashSet<>();
      for (ClaimedTask task : claimed) {
        handed.add(task.id());
      }
      Instant left = null;
      for (NewTask task : inserted) {
        if (!handed.contains(task.id()) && (left == null || task.runAt().isBefore(left))) {
          left = task.runAt();
        }
      }
      return left;
    }
  }

  /**
   * In the completer's transaction on {@code c}: claims what of {@code inserted} it may, for the
   * organizations of {@code finished}. Pass the result to {@link #start} after the commit, or to
   * {@link #release} if the transaction fails.
   */
  Taken claim(Connection c, List<Completion> finished, List<NewTask> inserted) throws SQLException {
    if (inserted.isEmpty() || workers == null) {
      return Taken.NONE;
    }
    int room = limit.getAsInt();
    if (room == 0 || !heartbeat.fresh()) {
      return Taken.NONE;
    }
    Map<UUID, Integer> share = new HashMap<>();
    for (Completion done : finished) {
      share.merge(done.task().organizationId(), 1, Integer::sum);
    }
    Instant now = clock.instant();
    List<UUID> ids = new ArrayList<>();
    for (NewTask task : inserted) {
      Integer left = share.get(task.organizationId());
      if (left != null && left > 0 && !task.runAt().isAfter(now)) {
        share.put(task.organizationId(), left - 1);
        ids.add(task.id());
      }
    }
    if (ids.isEmpty()) {
      return Taken.NONE;
    }
    int reserved = workers.reserve(Math.min(ids.size(), room));
    if (reserved == 0) {
      return Taken.NONE;
    }
    if (!allowed.getAsBoolean()) {
      // Stopping (the engine waits for its workers to be idle, and must not see new ones start),
      // or the producer began waiting for room meanwhile.
      workers.unreserve(reserved);
      return Taken.NONE;
    }
    Taken taken = new Taken(reserved, heartbeat.fence());
    List<ClaimedTask> claimed =
        Db.query(
            c,
            TASK_HAND_OFF,
            Params.of("ids", SqlArray.of("uuid", ids.subList(0, reserved)))
                .put("now", now)
                .put("margin_ms", config.leaseMargin().toMillis())
                .put("node", config.nodeId()),
            Tasks::mapClaimed);
    if (!claimed.isEmpty() && hook != ClaimHook.NONE) {
      claimed = hook.onClaimed(new ClaimHook.Claim(c, claimed, now, tasks, config.nodeId()));
    }
    taken.claimed = claimed;
    return taken;
  }

  /**
   * In the transaction on {@code c} of a caller that has just inserted {@code inserted} (the API's
   * start of a workflow run, a job run now): claims, within the producer's limit, those due now,
   * one per organization and only while the organization runs fewer than its cap ({@link
   * ClaimQueries#TASK_HAND_OFF_WITH_ROOM}). Pass the result to {@link #start} after the commit, or
   * to {@link #release} if the transaction fails.
   */
  Taken claimInserted(Connection c, List<NewTask> inserted) throws SQLException {
    if (inserted.isEmpty() || workers == null) {
      return Taken.NONE;
    }
    int room = limit.getAsInt();
    if (room == 0 || !heartbeat.fresh()) {
      return Taken.NONE;
    }
    // In a cluster, only while this node runs no more than its share: beyond it, what is inserted
    // here is left to the producers' claims, which every node makes.
    if (workers.busy() > heartbeat.fairShare()) {
      return Taken.NONE;
    }
    Instant now = clock.instant();
    Set<UUID> organizations = new HashSet<>();
    List<NewTask> due = new ArrayList<>();
    for (NewTask task : inserted) {
      if (!task.runAt().isAfter(now) && organizations.add(task.organizationId())) {
        due.add(task);
      }
    }
    if (due.isEmpty()) {
      return Taken.NONE;
    }
    int reserved = workers.reserve(Math.min(due.size(), room));
    if (reserved == 0) {
      return Taken.NONE;
    }
    if (!allowed.getAsBoolean()) {
      workers.unreserve(reserved);
      return Taken.NONE;
    }
    Taken taken = new Taken(reserved, heartbeat.fence());
    // Each organization's hand-offs still in flight on this node (claimed in transactions not yet
    // committed, which the statement's count of running tasks cannot see) count against its cap.
    List<UUID> ids = new ArrayList<>();
    List<UUID> orgs = new ArrayList<>();
    List<Integer> pending = new ArrayList<>();
    for (NewTask task : due.subList(0, reserved)) {
      ids.add(task.id());
      orgs.add(task.organizationId());
      pending.add(inFlight.take(task.organizationId()));
    }
    taken.holding = orgs;
    List<ClaimedTask> claimed;
    try {
      claimed =
          Db.query(
              c,
              TASK_HAND_OFF_WITH_ROOM,
              Params.of("ids", SqlArray.of("uuid", ids))
                  .put("orgs", SqlArray.of("uuid", orgs))
                  .put("pending", SqlArray.of("int4", pending))
                  .put("now", now)
                  .put("margin_ms", config.leaseMargin().toMillis())
                  .put("node", config.nodeId())
                  .put("default_cap", config.defaultOrganizationCap()),
              Tasks::mapClaimed);
      if (!claimed.isEmpty() && hook != ClaimHook.NONE) {
        claimed = hook.onClaimed(new ClaimHook.Claim(c, claimed, now, tasks, config.nodeId()));
      }
    } catch (SQLException | RuntimeException e) {
      release(taken);
      throw e;
    }
    taken.claimed = claimed;
    return taken;
  }

  /** After the commit: starts what was claimed and frees the workers it did not use. */
  void start(Taken taken) {
    if (taken == Taken.NONE) {
      return;
    }
    List<ClaimedTask> claimed = taken.claimed;
    if (!claimed.isEmpty() && !taken.fence.getAsBoolean()) {
      release(taken);
      HandBack.staleHeartbeat(db, metrics, config.nodeId(), claimed);
      return;
    }
    metrics.claimed(claimed.size());
    metrics.handedOff(claimed.size());
    for (ClaimedTask task : claimed) {
      taken.reserved--;
      workers.startReserved(task, taken.fence);
    }
    release(taken);
  }

  /** Frees the workers {@code taken} holds and has not started (the transaction failed). */
  void release(Taken taken) {
    if (taken != Taken.NONE && taken.reserved > 0) {
      workers.unreserve(taken.reserved);
      taken.reserved = 0;
    }
    if (taken != Taken.NONE && !taken.holding.isEmpty()) {
      // After the commit the tasks claimed are visible as running; after a rollback there are none.
      inFlight.giveBack(taken.holding);
      taken.holding = List.of();
    }
  }
}
