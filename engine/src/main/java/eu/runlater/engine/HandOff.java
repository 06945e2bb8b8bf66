package eu.runlater.engine;

import static eu.runlater.engine.ClaimQueries.TASK_INSERT_CLAIMING_WITH_ROOM;

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
 * Claims the tasks an outcome hook inserts, due now, by their insert in the completer's own
 * transaction, and starts them on this node's free workers once it commits: a workflow's next step
 * (or a queue's next message) goes out without waiting for the producer's wake-up and its claim
 * statement, and without a statement of its own.
 *
 * <p>The claim is the producer's, made as the rows are inserted: each task gets its attempt, a
 * lease and a fencing token ({@link ClaimQueries#TASK_INSERT_CLAIMING}), the claim hook acts on
 * them in the same transaction, and each worker asks the heartbeat's fence before its send. What it
 * leaves alone stays ready for the producer: a task not due yet (or held, or throttled), one beyond
 * the organization's share, all of them while the producer has due work of its own or does not
 * claim at all.
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

  /**
   * One transaction's hand-off: the workers it holds, what it claimed, and — in the completer's —
   * how many tasks each organization may still be given.
   */
  static final class Taken {
    // Shared, so immutable: nothing may be claimed or given out through it.
    static final Taken NONE = new Taken(0, null, List.of(), Map.of());

    private final int room;
    private int reserved;
    private final BooleanSupplier fence;
    private final List<ClaimedTask> claimed;
    private final Map<UUID, Integer> share;

    /** The organizations whose count in {@link InsertedHandOffs} this one holds. */
    private List<UUID> holding = List.of();

    private Taken(
        int room, BooleanSupplier fence, List<ClaimedTask> claimed, Map<UUID, Integer> share) {
      this.room = room;
      this.fence = fence;
      this.claimed = claimed;
      this.share = share;
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
   * Opens the completer's hand-off for the attempts of {@code finished}, which ended in its
   * transaction: the tasks its outcome hooks insert with {@link
   * OutcomeHook.Finished#insertHandingOff} may be claimed by their insert ({@link #pick}), at most
   * one per attempt that ended for the same organization. Pass it to {@link #claimed} once the
   * hooks are done, to {@link #start} after the commit, or to {@link #release} if the transaction
   * fails.
   */
  Taken open(List<Completion> finished) {
    if (workers == null) {
      return Taken.NONE;
    }
    int room = limit.getAsInt();
    if (room == 0 || !heartbeat.fresh()) {
      return Taken.NONE;
    }
    Taken taken = new Taken(room, heartbeat.fence(), new ArrayList<>(), new HashMap<>());
    for (Completion done : finished) {
      taken.share.merge(done.task().organizationId(), 1, Integer::sum);
    }
    return taken;
  }

  /**
   * The tasks of {@code inserted} that {@code taken} may claim as they are inserted, each with a
   * free worker of this node reserved for it: due now, within its organization's share and the room
   * left. Empty when none (or when the producer stopped allowing hand-offs).
   */
  Set<UUID> pick(Taken taken, List<NewTask> inserted) {
    if (taken == Taken.NONE || inserted.isEmpty()) {
      return Set.of();
    }
    Instant now = clock.instant();
    List<UUID> ids = new ArrayList<>();
    Map<UUID, Integer> share = new HashMap<>(taken.share);
    for (NewTask task : inserted) {
      Integer left = share.get(task.organizationId());
      if (left != null && left > 0 && !task.runAt().isAfter(now)) {
        share.put(task.organizationId(), left - 1);
        ids.add(task.id());
      }
    }
    int reserved = reserve(Math.min(ids.size(), taken.room - taken.reserved));
    if (reserved == 0) {
      return Set.of();
    }
    taken.reserved += reserved;
    Set<UUID> picked = new HashSet<>(ids.subList(0, reserved));
    for (NewTask task : inserted) {
      if (picked.contains(task.id())) {
        taken.share.merge(task.organizationId(), -1, Integer::sum);
      }
    }
    return picked;
  }

  /**
   * After the hooks, in the same transaction: the claim hook acts on every task {@code taken}
   * claimed, as on a producer's claim.
   */
  Taken claimed(Connection c, Taken taken) throws SQLException {
    if (taken == Taken.NONE || taken.claimed.isEmpty() || hook == ClaimHook.NONE) {
      return taken;
    }
    List<ClaimedTask> kept =
        List.copyOf(
            hook.onClaimed(
                new ClaimHook.Claim(
                    c, List.copyOf(taken.claimed), clock.instant(), tasks, config.nodeId())));
    taken.claimed.clear();
    taken.claimed.addAll(kept);
    return taken;
  }

  /**
   * For a caller that inserts {@code inserted} in its own transaction on {@code c} (the API's start
   * of a workflow run, a job run now): inserts them, claiming as it goes, within the producer's
   * limit, those due now, one per organization and only while the organization runs fewer than its
   * cap ({@link ClaimQueries#TASK_INSERT_CLAIMING_WITH_ROOM}); the claim hook acts on what it
   * claimed. Pass the result to {@link #start} after the commit, or to {@link #release} if the
   * transaction fails.
   */
  Taken insertClaiming(Connection c, List<NewTask> inserted) throws SQLException {
    Taken taken = open(List.of());
    // In a cluster, only while this node runs no more than its share: beyond it, what is inserted
    // here is left to the producers' claims, which every node makes.
    if (taken == Taken.NONE || workers.busy() > heartbeat.fairShare()) {
      tasks.insertQuietly(c, inserted);
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
    int reserved = reserve(Math.min(due.size(), taken.room));
    if (reserved == 0) {
      tasks.insertQuietly(c, inserted);
      return Taken.NONE;
    }
    taken.reserved = reserved;
    // Each organization's hand-offs still in flight on this node (claimed in transactions not yet
    // committed, which the statement's count of running tasks cannot see) count against its cap.
    Map<UUID, Integer> pending = new HashMap<>();
    List<UUID> orgs = new ArrayList<>();
    for (NewTask task : due.subList(0, reserved)) {
      orgs.add(task.organizationId());
      pending.put(task.id(), inFlight.take(task.organizationId()));
    }
    taken.holding = orgs;
    try {
      taken.claimed.addAll(
          tasks.insertClaiming(
              c,
              TASK_INSERT_CLAIMING_WITH_ROOM,
              inserted,
              pending,
              Params.of("orgs", SqlArray.of("uuid", orgs))
                  .put("default_cap", config.defaultOrganizationCap())));
      return claimed(c, taken);
    } catch (SQLException | RuntimeException e) {
      release(taken);
      throw e;
    }
  }

  /**
   * Reserves up to {@code wanted} free workers, and keeps them only if the producer still allows
   * hand-offs: it may have begun to stop (the engine waits for its workers to be idle, and must not
   * see new ones start) or to wait for room meanwhile. Returns how many it holds.
   */
  private int reserve(int wanted) {
    if (wanted <= 0) {
      return 0;
    }
    int reserved = workers.reserve(wanted);
    if (reserved > 0 && !allowed.getAsBoolean()) {
      workers.unreserve(reserved);
      return 0;
    }
    return reserved;
  }

  /** The statement's parameters as {@link ClaimQueries#INSERT_CLAIMING} takes them. */
  Params claimParams() {
    return Params.of("now", clock.instant())
        .put("margin_ms", config.leaseMargin().toMillis())
        .put("node", config.nodeId());
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
