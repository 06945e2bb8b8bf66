package eu.runlater.engine;

import static eu.runlater.engine.NodeQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat: its row in {@code engine_nodes}, written every {@code heartbeatInterval}
 * with the database's clock on the node's own session (see {@link Session}).
 *
 * <p>Self-fencing: {@link #fresh()} says whether the last heartbeat that reached the database was
 * sent less than half of {@code deadAfter} ago (by this process's monotonic clock, from the moment
 * it was sent, so never later than the time the database wrote). The producer claims only while it
 * is fresh, and a delivery is sent only while it is fresh (asked right before the send; a task
 * claimed before the heartbeat went stale goes back unsent). A node cut off from the database,
 * paused or starved therefore stops claiming well before the leader may declare it dead and hand
 * its tasks on, and does not start deliveries that are about to be given to another node; what it
 * still completes of tasks that were handed on is refused by their lease tokens.
 *
 * <p>Each heartbeat also reads the database's clock and estimates how far this node's clock is
 * {@link #ahead() ahead} of it (the node's time at the statement's round trip midpoint minus the
 * database's {@code now()}; the error is at most half the round trip). The offset is exported as
 * {@code runlater.node.clock.offset}, and a node whose clock is more than {@link #SKEW_WARNING} off
 * says so once (and once when it is back within). The producer corrects its clock by {@link
 * #aheadAtLeast()}, the offset's lower bound (the node's time when the statement was sent): a slow
 * round trip on a busy machine can then make it look for due tasks early, which the claim refuses
 * by the database's clock, but never late.
 *
 * <p>A heartbeat that finds the node's row declared dead logs it and registers the node again; it
 * claims again from then on. A failed heartbeat is logged once per outage and retried every half
 * second; the loop never dies while the engine runs.
 */
final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
  private static final long RETRY_NANOS = 500_000_000L;

  /** A node clock further than this from the database's is logged (once per episode). */
  static final Duration SKEW_WARNING = Duration.ofSeconds(1);

  /** The states a node row can be in, for the {@code runlater.nodes} gauge. */
  enum State {
    alive,
    dead,
    stopped
  }

  private final Session session;
  private final Db db;
  private final EngineConfig config;
  private final BooleanSupplier leading;
  private final InstantSource clock;
  private final String host = hostName();
  private final long pid = ProcessHandle.current().pid();
  private final long fenceNanos;
  private final Map<State, AtomicInteger> counts = new EnumMap<>(State.class);
  private volatile Instant startedAt;

  /** Tasks running on all nodes, as the last heartbeat counted them ({@link #fairShare}). */
  private volatile int clusterRunning;

  private volatile long lastSent;
  private volatile long revivals;
  private volatile boolean registered;
  private volatile boolean beating;

  /** This node's clock minus the database's, as of the last heartbeat; null before the first. */
  private volatile Duration ahead;

  /** The least the offset can be, as of the last heartbeat; null before the first. */
  private volatile Duration aheadAtLeast;

  private volatile boolean skewed;
  private Thread thread;

  Heartbeat(
      Session session, Db db, EngineConfig config, BooleanSupplier leading, InstantSource clock) {
    this.session = session;
    this.db = db;
    this.config = config;
    this.leading = leading;
    this.clock = clock;
    this.fenceNanos = config.deadAfter().toNanos() / 2;
    for (State s : State.values()) {
      counts.put(s, new AtomicInteger());
    }
  }

  /** Nodes in {@code state} as of this node's last heartbeat (the whole cluster's view). */
  int count(State state) {
    return counts.get(state).get();
  }

  /** Writes the node's row as a new start; the engine starts claiming only after it. */
  void register() throws SQLException {
    long sent = System.nanoTime();
    Instant before = clock.instant();
    startedAt =
        session.run(
            c -> {
              long queried = System.nanoTime();
              Instant at =
                  Db.query(c, NODE_REGISTER, identity(), rs -> SqlTime.instant(rs, "started_at"))
                      .getFirst();
              // started_at is the database's now(): the first estimate of the clock offset.
              measured(
                  Duration.between(at, before.plusNanos(queried - sent)),
                  System.nanoTime() - queried);
              return at;
            });
    lastSent = sent;
    registered = true;
  }

  void start() {
    beating = true;
    thread = Thread.ofPlatform().name("runlater-heartbeat").daemon().start(this::loop);
  }

  /** Stops heartbeating; returns once the loop has exited. */
  void stop() throws InterruptedException {
    beating = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(5_000);
    }
  }

  /** Stops the loop without waiting (a stop that was interrupted half way). */
  void halt() {
    beating = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** Marks the node stopped (through the pool: the session may be gone); never declared dead. */
  void markStopped() {
    if (!registered) {
      return;
    }
    try {
      db.withConnection(c -> Db.update(c, NODE_STOP, Params.of("node", config.nodeId())));
    } catch (SQLException e) {
      log.warn(
          "Could not mark node {} stopped; the leader will declare it dead after {}",
          config.nodeId(),
          config.deadAfter(),
          e);
    }
    registered = false;
  }

  /**
   * Whether the last successful heartbeat was sent less than half of {@code deadAfter} ago: the
   * node may claim.
   */
  boolean fresh() {
    return registered && System.nanoTime() - lastSent < fenceNanos;
  }

  /**
   * A fence for work taken from now on (a claim): true while the heartbeat is {@link #fresh()} and
   * the node has not been declared dead since this call. A node paused past its dead-after has its
   * tasks handed on; when it resumes, its heartbeat may register it again (fresh) before a worker
   * sends a task claimed before the pause: the fence still says no.
   */
  java.util.function.BooleanSupplier fence() {
    long at = revivals;
    // fresh() reads lastSent before revivals is read: a revival is counted before lastSent moves.
    return () -> fresh() && revivals == at;
  }

  /** How long ago the last successful heartbeat was sent. */
  Duration sinceLastBeat() {
    return Duration.ofNanos(System.nanoTime() - lastSent);
  }

  /**
   * How far this node's clock ({@code clock.instant()}) is ahead of the database's as of the last
   * heartbeat (negative: behind); zero before the first heartbeat.
   */
  Duration ahead() {
    Duration a = ahead;
    return a == null ? Duration.ZERO : a;
  }

  /**
   * The least this node's clock can be ahead of the database's, as of the last heartbeat (its time
   * when the heartbeat was sent minus the database's time in it); zero before the first heartbeat.
   */
  Duration aheadAtLeast() {
    Duration a = aheadAtLeast;
    return a == null ? Duration.ZERO : a;
  }

  /** {@link #ahead()} in seconds, NaN before the first heartbeat (the gauge). */
  double aheadSeconds() {
    Duration a = ahead;
    return a == null ? Double.NaN : a.toNanos() / 1e9;
  }

  /** {@link #ahead()} in whole milliseconds (capped to an int), null before the first heartbeat. */
  private Integer aheadMillis() {
    Duration a = ahead;
    return a == null
        ? null
        : (int) Math.clamp(a.toMillis(), (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE);
  }

  /**
   * Runs {@code sql} (which returns {@code now() AS db_now}, one row when it wrote) and takes the
   * clock offset from it; returns whether it wrote a row.
   */
  private boolean stamped(java.sql.Connection c, String sql, Params params) throws SQLException {
    return stamped(c, sql, params, rs -> {});
  }

  /** As above; {@code row} also reads the written row's other columns. */
  private boolean stamped(java.sql.Connection c, String sql, Params params, RowReader row)
      throws SQLException {
    Instant before = clock.instant();
    long sent = System.nanoTime();
    List<Instant> dbNow =
        Db.query(
            c,
            sql,
            params,
            rs -> {
              row.read(rs);
              return SqlTime.instant(rs, "db_now");
            });
    long roundTrip = System.nanoTime() - sent;
    if (dbNow.isEmpty()) {
      return false;
    }
    measured(Duration.between(dbNow.getFirst(), before), roundTrip);
    return true;
  }

  /**
   * Takes one reading: {@code atLeast} is the node's time when the statement was sent minus the
   * database's time in it, {@code roundTripNanos} how long the statement took.
   */
  private void measured(Duration atLeast, long roundTripNanos) {
    Duration offset = atLeast.plusNanos(roundTripNanos / 2);
    aheadAtLeast = atLeast;
    ahead = offset;
    boolean off = offset.abs().compareTo(SKEW_WARNING) > 0;
    if (off && !skewed) {
      log.warn(
          "The clock of node {} is {} {} the database's: due times, leases and liveness follow the"
              + " database's clock, but fix the node's time (NTP)",
          config.nodeId(),
          offset.abs(),
          offset.isNegative() ? "behind" : "ahead of");
    } else if (!off && skewed) {
      log.info(
          "The clock of node {} is back within {} of the database's ({} {})",
          config.nodeId(),
          SKEW_WARNING,
          offset.abs(),
          offset.isNegative() ? "behind" : "ahead");
    }
    skewed = off;
  }

  /** What one heartbeat found. */
  enum Result {
    /** The row was alive and is fresh again. */
    BEAT,
    /** The row was declared dead (or stopped, or gone); the node registered again. */
    REVIVED
  }

  /** One heartbeat; on success the node is fresh. */
  Result beatOnce() throws SQLException {
    long sent = System.nanoTime();
    Result result =
        session.run(
            c -> {
              Params params =
                  Params.of("node", config.nodeId())
                      .put("leading", leading.getAsBoolean())
                      .put("clock_offset_ms", aheadMillis());
              if (stamped(c, NODE_HEARTBEAT, params, this::countedStates)) {
                return Result.BEAT;
              }
              record Found(String state, Instant heartbeatAt, Instant deadAt) {}
              List<Found> found =
                  Db.query(
                      c,
                      NODE_GET,
                      Params.of("node", config.nodeId()),
                      rs ->
                          new Found(
                              rs.getString("state"),
                              SqlTime.instant(rs, "heartbeat_at"),
                              SqlTime.instant(rs, "dead_at")));
              if (found.isEmpty()) {
                // Pruned or emptied (tests truncate tables between classes): nothing was lost.
                log.info("Node {} found no row of its own; registering again", config.nodeId());
              } else if ("dead".equals(found.getFirst().state())) {
                log.warn(
                    "Node {} was declared dead at {} (no heartbeat since {}, dead after {}): its"
                        + " running tasks were handed on to other nodes, and what it still"
                        + " finishes of them is refused. Registering again.",
                    config.nodeId(),
                    found.getFirst().deadAt(),
                    found.getFirst().heartbeatAt(),
                    config.deadAfter());
              } else {
                log.warn(
                    "Node {} found its row {}; registering again",
                    config.nodeId(),
                    found.getFirst().state());
              }
              stamped(
                  c,
                  NODE_REVIVE,
                  identity()
                      .put("started_at", startedAt)
                      .put("leading", leading.getAsBoolean())
                      .put("clock_offset_ms", aheadMillis()));
              countStates(c);
              return Result.REVIVED;
            });
    if (result == Result.REVIVED) {
      revivals++; // one writer: this loop
    }
    lastSent = sent;
    return result;
  }

  /** Reads more of a row than {@link #stamped} does. */
  @FunctionalInterface
  private interface RowReader {
    void read(java.sql.ResultSet rs) throws SQLException;
  }

  /** Takes the node counts the heartbeat's own statement returned. */
  private void countedStates(java.sql.ResultSet rs) throws SQLException {
    for (State s : State.values()) {
      counts.get(s).set(rs.getInt(s.name()));
    }
    clusterRunning = rs.getInt("running");
  }

  /**
   * This node's share of the cluster's running tasks as of the last heartbeat: all of them, and no
   * bound, while it is the only node alive; else their average per live node, rounded up. The
   * insert hand-off ({@link HandOff#insertClaiming}) stays within it, so that a node taking all of
   * a cluster's API traffic does not keep all of its work.
   */
  int fairShare() {
    int alive = counts.get(State.alive).get();
    if (alive <= 1) {
      return Integer.MAX_VALUE;
    }
    return (clusterRunning + alive - 1) / alive;
  }

  private void countStates(java.sql.Connection c) throws SQLException {
    Map<State, Integer> seen = new EnumMap<>(State.class);
    Db.query(
        c,
        NODE_COUNTS,
        Params.of(),
        rs -> seen.put(State.valueOf(rs.getString("state")), rs.getInt("n")));
    for (State s : State.values()) {
      counts.get(s).set(seen.getOrDefault(s, 0));
    }
  }

  private Params identity() {
    return Params.of("node", config.nodeId())
        .put("version", config.version())
        .put("host", host)
        .put("pid", pid);
  }

  private void loop() {
    boolean failing = false;
    while (beating) {
      long sent = System.nanoTime();
      try {
        beatOnce();
        if (failing) {
          log.info("Heartbeat of node {} reaches the database again", config.nodeId());
          failing = false;
        }
      } catch (SQLException | RuntimeException e) {
        if (!beating) {
          return;
        }
        if (!failing) {
          log.warn(
              "Heartbeat failed on node {}; it stops claiming {} after its last heartbeat until"
                  + " one succeeds",
              config.nodeId(),
              Duration.ofNanos(fenceNanos),
              e);
        }
        failing = true;
      }
      long next = sent + (failing ? RETRY_NANOS : config.heartbeatInterval().toNanos());
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(Duration.ofNanos(wait));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
