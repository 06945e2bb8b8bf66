package eu.runlater.engine;

import static eu.runlater.engine.ClaimQueries.*;
import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due tasks and hands them to workers. One statement claims a batch ({@code FOR UPDATE SKIP
 * LOCKED}), never more than the free workers, in priority then due-time order.
 *
 * <p>It wakes on time, not on a tick: after a pass that left workers free it asks for the next due
 * time and sleeps until then, unless a notification (a sooner task inserted anywhere), a local
 * retry, or the fallback poll interval wakes it first. Under load it keeps claiming as workers free
 * up, waiting briefly for a few to free so each claim takes a batch.
 *
 * <p>Fair: the claim gives each organization at most the room its concurrency cap leaves and takes
 * organizations in turns (see {@link ClaimQueries#TASK_CLAIM_DUE}). When due tasks wait but all
 * belong to organizations at their cap, it sleeps until a completion recorded on this node frees
 * room (or the poll interval passes) instead of spinning.
 *
 * <p>Self-fenced: it claims only while the node's heartbeat is fresh ({@link Heartbeat#fresh()}),
 * and hands back unstarted what it claimed if the heartbeat went stale during the claim, so a node
 * that was paused or cut off does not start deliveries the leader is handing to another node; each
 * worker asks the claim's {@link Heartbeat#fence()} again right before its send.
 *
 * <p>Due by the database's clock: a node whose clock runs ahead must not deliver early. The claim
 * takes what is due by the earlier of the node's time and the database's ({@code least(:now,
 * now())}); the producer works on its clock less the least the heartbeat measured it to be {@link
 * Heartbeat#aheadAtLeast() ahead} of the database (so it may look early, never late), and when it
 * sleeps until a due time it also waits for the database's clock to reach it, as the look for the
 * next due time read it.
 *
 * <p>Ahead of time, with a {@link EngineConfig#lookahead() lookahead}: once a claim has taken all
 * that is due, a second claim takes what falls due within the lookahead (as many as {@link
 * Lookahead} has room for, caps applied as for any claim: a task claimed ahead counts as running)
 * and hands it to the {@link Lookahead}, which starts each on its instant; the producer then sleeps
 * until the lookahead before the next due time.
 *
 * <p>A failed pass (database unreachable) is logged and retried with backoff; the loop never dies
 * while the engine runs.
 */
final class Producer {
  private static final Logger log = LoggerFactory.getLogger(Producer.class);

  /** Under load, how long to wait for a fuller batch before claiming for what is free. */
  private static final long BATCH_WAIT_NANOS = 2_000_000;

  private final Db db;
  private final EngineConfig config;
  private final InstantSource clock;
  private final Wakeups wakeups;
  private final EngineMetrics metrics;
  private final InsertedHandOffs handingOff;
  private final Heartbeat heartbeat;
  private Workers workers;
  private Lookahead lookahead;
  private ClaimHook hook = ClaimHook.NONE;
  private Tasks tasks;
  private volatile boolean running;
  private volatile boolean waitingForCapacity;
  private volatile boolean waitingForRoom;
  private final java.util.concurrent.atomic.AtomicLong recorded =
      new java.util.concurrent.atomic.AtomicLong();

  /** How many claim statements this producer has sent (for tests: how often it looked). */
  private volatile long claims;

  /** How many rows the last claim statement took (before the hook kept some of them). */
  private int lastTaken;

  /**
   * Whether the last claim statement took fewer tasks than it asked for and left nothing that was
   * due when it looked (no organization at its cap, no row another node had locked): workers to
   * spare and no due task passed over ({@link #handOffLimit()}). Cleared by a full claim.
   */
  private volatile boolean lastClaimShort;

  /** The instant the last claim statement looked for due tasks at. */
  private Instant lastClaimAt = Instant.MIN;

  /**
   * With due tasks left untaken, how soon to look again at most: completions recorded here wake the
   * loop at once; this bounds the wait for room freed on other nodes, or for rows another node had
   * locked at the instant of the claim.
   */
  private static final java.time.Duration ROOM_RECHECK = java.time.Duration.ofMillis(200);

  private Thread thread;

  /**
   * While every worker is busy: when to look ahead next ({@link #lookAheadWhileBusy}), the
   * lookahead before the next due time.
   */
  private Instant aheadAt = Instant.MIN;

  /** While every worker is busy, how often to look ahead again after a look that took some. */
  private static final java.time.Duration AHEAD_RECHECK = java.time.Duration.ofMillis(100);

  /** While the heartbeat is stale, how often to look whether it is fresh again. */
  private static final long FENCE_RECHECK_NANOS = 50_000_000;

  Producer(
      Db db,
      EngineConfig config,
      InstantSource clock,
      Wakeups wakeups,
      EngineMetrics metrics,
      Heartbeat heartbeat,
      InsertedHandOffs handingOff) {
    this.db = db;
    this.handingOff = handingOff;
    this.config = config;
    this.clock = clock;
    this.wakeups = wakeups;
    this.metrics = metrics;
    this.heartbeat = heartbeat;
  }

  void workers(Workers workers, Lookahead lookahead) {
    this.workers = workers;
    this.lookahead = lookahead;
  }

  void hook(ClaimHook hook, Tasks tasks) {
    this.hook = hook;
    this.tasks = tasks;
  }

  /**
   * Claims up to {@code limit} due tasks for this node, and lets the claim hook act in the same
   * transaction; returns the tasks to deliver.
   */
  List<ClaimedTask> claim(int limit) throws SQLException {
    return claim(limit, java.time.Duration.ZERO);
  }

  /**
   * As {@link #claim(int)}, taking tasks due within {@code ahead} too (by the earlier of this
   * node's clock and the database's).
   */
  List<ClaimedTask> claim(int limit, java.time.Duration ahead) throws SQLException {
    claims++; // one writer: the producer's loop (or a test calling claim itself)
    Instant now = now();
    lastClaimAt = now;
    Params params =
        Params.of("now", now)
            .put("ahead_ms", (int) ahead.toMillis())
            .put("limit", limit)
            .put("window", window(limit))
            .put("default_cap", config.defaultOrganizationCap())
            .put("margin_ms", config.leaseMargin().toMillis())
            .put("node", config.nodeId());
    SqlArray[] handing = handingOff.snapshot();
    params.put("handing_orgs", handing[0]).put("handing_n", handing[1]);
    List<ClaimedTask> claimed =
        db.inTransaction(
            c -> {
              List<ClaimedTask> taken = claimDue(c, params);
              lastTaken = taken.size();
              if (taken.isEmpty() || hook == ClaimHook.NONE) {
                return taken;
              }
              execute(c, TASK_CLAIM_PLANNING_RESET);
              return hook.onClaimed(new ClaimHook.Claim(c, taken, now, tasks, config.nodeId()));
            });
    metrics.claimed(claimed.size());
    return claimed;
  }

  /**
   * The claim itself, planned as {@link ClaimQueries#TASK_CLAIM_PLANNING} says, in a transaction.
   */
  private static List<ClaimedTask> claimDue(Connection c, Params params) throws SQLException {
    execute(c, TASK_CLAIM_PLANNING);
    return Db.query(c, TASK_CLAIM_DUE, params, Tasks::mapClaimed);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /**
   * How many due tasks the claim looks at before applying caps and interleaving organizations:
   * enough for a batch to mix organizations and to fill up when one has little room left.
   */
  static int window(int limit) {
    return Math.max(2 * limit, 20);
  }

  /**
   * Whether tasks may be started without this producer's claim ({@link HandOff}): the loop runs
   * (started, not stopping), and it is not waiting for room with due tasks left untaken (those of
   * organizations at their caps: a task handed off would overtake them).
   */
  boolean mayHandOff() {
    return running && !waitingForRoom;
  }

  /**
   * How many of this node's free workers a hand-off may take now ({@link HandOff}). None unless
   * {@link #mayHandOff()}. All of them while the loop sleeps because its last look found nothing
   * due. While it works (claiming, about to claim, or woken for a task inserted meanwhile): none
   * when it waits for workers, or its last claim took all it asked for or passed over a task due
   * when it looked (due tasks may be waiting for it); otherwise at most half of them, so that its
   * next claim keeps the other half for whatever has fallen due since its last one took everything
   * due.
   */
  int handOffLimit() {
    if (!mayHandOff()) {
      return 0;
    }
    Instant planned = wakeups.plannedWake();
    if (planned == Instant.MAX) {
      return 0;
    }
    int free = workers.free();
    if (planned != Instant.MIN && planned.isAfter(clock.instant())) {
      return free;
    }
    return waitingForCapacity || !lastClaimShort ? 0 : free / 2;
  }

  /** How many claim statements this producer has sent. */
  long claims() {
    return claims;
  }

  /**
   * This node's time, less the least the heartbeat last measured its clock to be ahead of the
   * database's (never moved forward: a clock behind, or a test's clock in the past, is left as it
   * is, as the claim takes the earlier of the two).
   */
  Instant now() {
    Instant t = clock.instant();
    java.time.Duration ahead = heartbeat.aheadAtLeast();
    return ahead.isPositive() ? t.minus(ahead) : t;
  }

  /** The earliest due time of any ready task, or null when none waits. */
  Instant nextDue() throws SQLException {
    return dueTimes().at();
  }

  /**
   * The earliest due time of any ready task ({@code at}, null when none waits) and the database's
   * time when it was read.
   */
  record Next(Instant at, Instant dbNow) {}

  private Next dueTimes() throws SQLException {
    return db.withConnection(
            c ->
                Db.query(
                    c,
                    TASK_NEXT_DUE,
                    Params.of(),
                    rs ->
                        new Next(
                            SqlTime.instant(rs, "next_run_at"), SqlTime.instant(rs, "db_now"))))
        .getFirst();
  }

  void start() {
    running = true;
    // Working from now on, not once the thread gets to run: until then the node would still read
    // as stopped (every insert notifies) and a caller waiting for it to sleep could see a sleep
    // that has not begun.
    wakeups.starting();
    thread = Thread.ofPlatform().name("runlater-producer").daemon().start(this::loop);
  }

  /** Stops claiming; returns once the loop has exited. */
  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
      wakeups.nudge();
      thread.join();
    }
  }

  /**
   * Called by the completer after it recorded outcomes: running tasks left the table, so an
   * organization at its cap may have room again.
   */
  void completionsRecorded() {
    recorded.incrementAndGet();
    if (waitingForRoom) {
      wakeups.nudge();
    }
  }

  /** Called by workers as they finish. */
  void capacityFreed() {
    if (waitingForCapacity) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Sleeps until the next task is due (by this node's clock and the database's) or the fallback
   * poll, whichever is first, or until woken; returns whether it woke for the poll alone.
   */
  private boolean sleepToNext(Next next, java.time.Duration ahead) {
    Instant now = now();
    Instant until = now.plus(config.pollInterval());
    boolean poll = true;
    if (next.at() != null) {
      Instant due = next.at().minus(ahead);
      if (due.isAfter(next.dbNow())) {
        // Not due yet by the database's clock: wait for it to get there in real time too (the
        // measured offset is only as good as half a heartbeat's round trip).
        Instant byDatabase = now.plus(java.time.Duration.between(next.dbNow(), due));
        if (byDatabase.isAfter(due)) {
          due = byDatabase;
        }
      }
      if (due.isBefore(until)) {
        until = due;
        poll = false;
      }
    }
    wakeups.lead(ahead);
    boolean unasked = wakeups.sleepUntil(until, this::now, () -> !running, config.pollInterval());
    wakeups.working();
    return poll && unasked;
  }

  private void loop() {
    int lowWater = Math.max(1, Math.min(config.claimBatch(), config.workers() / 4));
    boolean saturated = false;
    FailureStreak failures = new FailureStreak(log, "Claiming on node " + config.nodeId());
    // Woken by the fallback poll alone (no task due by then, nobody said there is one): ask for
    // the next due time before claiming. An idle node otherwise ran the claim, its dearest
    // statement, every poll interval to find nothing (issue 18, target 8).
    boolean polled = false;
    wakeups.working();
    while (running) {
      try {
        if (!heartbeat.fresh()) {
          awaitHeartbeat();
          continue;
        }
        int free = workers.free();
        if (free == 0 || (saturated && free < lowWater)) {
          if (lookAheadWhileBusy()) {
            continue;
          }
          waitForCapacity(free == 0 ? 1 : lowWater);
          saturated = false;
          continue;
        }
        if (polled) {
          polled = false;
          Next next = dueTimes();
          if (next.at() == null || next.at().isAfter(next.dbNow().plus(ahead()))) {
            failures.succeeded();
            polled = sleepToNext(next, ahead());
            continue;
          }
        }
        int want = Math.min(free, config.claimBatch());
        long recordedBefore = recorded.get();
        java.util.function.BooleanSupplier fence = heartbeat.fence();
        long claimSent = System.nanoTime();
        List<ClaimedTask> claimed = claim(want);
        if (lastTaken == want) {
          lastClaimShort = false;
        }
        if (!claimed.isEmpty() && !fence.getAsBoolean()) {
          handBack(claimed);
          continue;
        }
        for (ClaimedTask task : claimed) {
          workers.start(task, fence);
        }
        failures.succeeded();
        if (lastTaken == want) {
          saturated = true;
          continue;
        }
        saturated = false;
        Next next = dueTimes();
        Instant now = now();
        boolean leftDue = next.at() != null && dueAtClaim(next, claimSent);
        lastClaimShort = !leftDue;
        if (leftDue && lastTaken == 0) {
          // Tasks due when the claim looked, yet it took none: their organizations are at their
          // caps (or another node had them locked). Looking again at once would spin; a
          // completion recorded here frees room and wakes this loop at once. (Compared with the
          // claim's own instants: a task that fell due just after it is simply claimed next.)
          waitingForRoom = true;
          try {
            if (recorded.get() == recordedBefore) {
              java.time.Duration wait =
                  config.pollInterval().compareTo(ROOM_RECHECK) < 0
                      ? config.pollInterval()
                      : ROOM_RECHECK;
              wakeups.sleepUntil(now.plus(wait), this::now, () -> !running, wait);
            }
          } finally {
            waitingForRoom = false;
          }
          wakeups.working();
          continue;
        }
        java.time.Duration ahead = ahead();
        if (!ahead.isZero() && next.at() != null && !next.at().isAfter(next.dbNow().plus(ahead))) {
          int room = Math.min(lookahead.room(), config.claimBatch());
          List<ClaimedTask> early = claim(room, ahead);
          if (!early.isEmpty() && !fence.getAsBoolean()) {
            handBack(early);
            continue;
          }
          for (ClaimedTask task : early) {
            lookahead.hold(task, fence);
          }
          if (lastTaken == room) {
            continue; // more may fall due within the lookahead
          }
          next = dueTimes();
          if (next.at() != null && !next.at().isAfter(next.dbNow().plus(ahead))) {
            // Due within the lookahead yet not taken: their organizations are at their caps, or
            // another node holds them. Looking ahead again at once would spin: wait for their
            // due time, as without a lookahead.
            ahead = java.time.Duration.ZERO;
          }
        }
        polled = sleepToNext(next, ahead);
      } catch (Exception e) {
        // One warning per outage, one line when claiming works again (FailureStreak).
        LockSupport.parkNanos(failures.failed(e) * 1_000_000);
      }
    }
  }

  /**
   * How far ahead to claim now: the lookahead, or zero when off or the lookahead holds its most.
   */
  private java.time.Duration ahead() {
    return lookahead == null || lookahead.room() == 0
        ? java.time.Duration.ZERO
        : config.lookahead();
  }

  /**
   * Whether the next due time had come for the claim that was sent at {@code claimSent} (nano
   * time): by this node's instant for it, and by the database's clock then, which was at least
   * {@code next.dbNow()} less the time since.
   */
  private boolean dueAtClaim(Next next, long claimSent) {
    Instant dbAtClaim = next.dbNow().minusNanos(System.nanoTime() - claimSent);
    return !next.at().isAfter(lastClaimAt) && !next.at().isAfter(dbAtClaim);
  }

  /** Parks until the heartbeat is fresh again (or the engine stops), saying so once. */
  private void awaitHeartbeat() {
    log.warn(
        "Node {} has had no heartbeat reach the database for {}; not claiming until one does",
        config.nodeId(),
        heartbeat.sinceLastBeat());
    while (running && !heartbeat.fresh()) {
      LockSupport.parkNanos(this, FENCE_RECHECK_NANOS);
    }
    if (running) {
      log.info("Node {} has a fresh heartbeat again; claiming", config.nodeId());
    }
  }

  /**
   * Hands tasks claimed while the heartbeat went stale back unstarted, fenced by their tokens (the
   * leader may be handing them on already); if the database cannot be reached, the leader will.
   */
  private void handBack(List<ClaimedTask> claimed) {
    HandBack.staleHeartbeat(db, metrics, config.nodeId(), claimed);
  }

  /**
   * With every worker busy (a burst draining), claims ahead what falls due within the lookahead
   * anyway, so that the next second's burst does not wait for this one to drain; only while nothing
   * due now waits (those are claimed as workers free, not held), and only once {@link #aheadAt} has
   * come. Returns whether it took a full batch (look again at once).
   */
  private boolean lookAheadWhileBusy() throws SQLException {
    java.time.Duration ahead = ahead();
    if (ahead.isZero() || now().isBefore(aheadAt)) {
      return false;
    }
    Next next = dueTimes();
    if (next.at() == null || !next.at().isAfter(next.dbNow())) {
      // Nothing waits, or tasks due now do (a backlog): those are claimed as workers free, and a
      // freed worker wakes this loop; look again no sooner than the poll.
      aheadAt = now().plus(config.pollInterval());
      return false;
    }
    if (next.at().isAfter(next.dbNow().plus(ahead))) {
      aheadAt = now().plus(java.time.Duration.between(next.dbNow(), next.at().minus(ahead)));
      return false;
    }
    int room = Math.min(lookahead.room(), config.claimBatch());
    java.util.function.BooleanSupplier fence = heartbeat.fence();
    List<ClaimedTask> early = claim(room, ahead);
    if (!early.isEmpty() && !fence.getAsBoolean()) {
      handBack(early);
      return false;
    }
    for (ClaimedTask task : early) {
      lookahead.hold(task, fence);
    }
    boolean full = lastTaken == room;
    aheadAt = full ? Instant.MIN : now().plus(AHEAD_RECHECK);
    return full;
  }

  /**
   * Parks until {@code wanted} workers are free, or briefly when some already are, or until it is
   * time to look ahead ({@link #aheadAt}).
   */
  private void waitForCapacity(int wanted) {
    waitingForCapacity = true;
    try {
      long deadline = System.nanoTime() + BATCH_WAIT_NANOS;
      while (running && workers.free() < wanted) {
        if (workers.free() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return;
          }
          LockSupport.parkNanos(this, left);
        } else {
          long park = config.pollInterval().toNanos();
          if (!ahead().isZero()) {
            Instant now = now();
            if (!now.isBefore(aheadAt)) {
              return;
            }
            park = Math.min(park, java.time.Duration.between(now, aheadAt).toNanos());
          }
          LockSupport.parkNanos(this, park);
        }
      }
    } finally {
      waitingForCapacity = false;
    }
  }
}
