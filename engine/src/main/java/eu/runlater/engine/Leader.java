package eu.runlater.engine;

import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election by a PostgreSQL session advisory lock held on the node's own {@link Session}. The
 * lock lives exactly as long as that session: a node that dies, or loses its connection, loses the
 * lock at once, and another node's next {@link #runOnce()} takes it.
 *
 * <p>A leader that is alive to the database but silent (its process paused, hung, or starved) keeps
 * its session, and with it the lock, for as long as the pause lasts. So the leader records its
 * session's backend pid in its node row ({@code engine_nodes.leader_pid}) when it takes the lock
 * and with every heartbeat; a node that finds the lock held by a node whose heartbeat is older than
 * {@code deadAfter} ends that session ({@code pg_terminate_backend}) and takes the lock. A leader
 * paused longer than {@code deadAfter} therefore comes back as an ordinary node (its session gone,
 * its node declared dead by the new leader, see {@link Heartbeat}).
 *
 * <p>Leadership is re-checked on every pass: the lock is held exactly while the session it was
 * taken on is still the node's session and answers (a session lock ends only with an unlock, which
 * only {@link #release()} does, or with its session). So a pass asks the session a trivial question
 * rather than reading {@code pg_locks}, which builds the server's whole lock table and cost an idle
 * node more database time than the rest of its pass together. A failed check closes the session and
 * reports "not leader" until a new session wins the lock again. Singleton work asks {@link
 * #isLeader()} before each pass.
 */
final class Leader {
  /** The advisory lock key: "runlater" in ASCII, so it is recognisable in pg_locks. */
  static final long LOCK_KEY = 0x72756e6c61746572L;

  /** How long to wait for an ended leader session to be gone before taking the lock. */
  static final long TERMINATE_WAIT_MS = 2_000;

  private static final Logger log = LoggerFactory.getLogger(Leader.class);

  private final Session session;
  private final String nodeId;
  private final Duration deadAfter;
  private volatile boolean leader;
  private final FailureStreak failures;

  /** The session's connection the lock was taken on, while held; the lock lives as long. */
  private Connection lockedOn;

  /** A leader that never replaces a silent one (for tests of the lock alone). */
  Leader(ConnectionFactory connections, String nodeId) {
    this(new Session(connections), nodeId, null);
  }

  /**
   * @param deadAfter how long the lock holder's node may be silent before this node ends its
   *     session and takes over; null never does
   */
  Leader(Session session, String nodeId, Duration deadAfter) {
    this.session = session;
    this.nodeId = nodeId;
    this.deadAfter = deadAfter;
    this.failures = new FailureStreak(log, "The leader check on node " + nodeId);
  }

  boolean isLeader() {
    return leader;
  }

  /** The silent leader whose session was ended, as a pass found it. */
  record Silent(int pid, String nodeId, Instant heartbeatAt) {}

  /** Takes or confirms leadership; returns whether this node leads after the pass. */
  synchronized boolean runOnce() {
    return runOnce(c -> query(c, LEADER_ALIVE, Params.of())) != null;
  }

  /**
   * Takes or confirms leadership and, when this node leads after it, runs {@code leading} on the
   * lock's session in the same turn. A session that still answers holds its lock, so {@code
   * leading}'s own statement is the confirmation: the leader's pass asks its probe this way, one
   * statement instead of two. Returns what {@code leading} returned, or null when this node does
   * not lead (a failure of {@code leading} closes the session, and with it the lock).
   */
  synchronized <T> T runOnce(Session.Work<T> leading) {
    boolean was = leader;
    List<T> result = new java.util.ArrayList<>(1);
    try {
      session.run(
          c -> {
            // Set inside the session's turn, so a heartbeat on the same session (which records
            // this session's pid when it leads) never sees a stale answer.
            if (c == lockedOn) {
              result.add(leading.run(c));
              leader = true;
              return null;
            }
            leader = acquire(c);
            if (!leader && deadAfter != null) {
              Silent silent = silentHolder(c);
              if (silent != null) {
                log.warn(
                    "Leader node {} has sent no heartbeat since {} (dead after {}): node {} ends"
                        + " its database session (pid {}) and takes over",
                    silent.nodeId(),
                    silent.heartbeatAt(),
                    deadAfter,
                    nodeId,
                    silent.pid());
                Db.query(
                    c,
                    LEADER_TERMINATE,
                    Params.of("pid", silent.pid()).put("wait_ms", TERMINATE_WAIT_MS),
                    rs -> rs.getBoolean(1));
                leader = acquire(c);
              }
            }
            if (leader) {
              result.add(leading.run(c));
            }
            return null;
          });
      failures.succeeded();
    } catch (SQLException e) {
      // Not leading until it succeeds; one warning per outage (FailureStreak).
      failures.failed(e);
      leader = false;
      lockedOn = null;
    }
    if (leader != was) {
      log.info("Node {} {} the leader", nodeId, leader ? "is now" : "is no longer");
    }
    return leader && !result.isEmpty() ? result.getFirst() : null;
  }

  /** Gives up leadership (unlocks and closes the session). */
  synchronized void release() {
    if (leader && session.isOpen()) {
      try {
        session.run(c -> query(c, LEADER_RELEASE, Params.of("key", LOCK_KEY)));
      } catch (SQLException e) {
        log.debug("Unlock failed; closing the session releases the lock anyway", e);
      }
    }
    session.close();
    leader = false;
    lockedOn = null;
  }

  /**
   * Tries the lock; on success, in the same statement, records this session's pid in the node's row
   * and clears it everywhere else (a pid a stale row still names may since belong to someone else).
   */
  private boolean acquire(Connection c) throws SQLException {
    boolean got = query(c, LEADER_TRY_ACQUIRE, Params.of("key", LOCK_KEY).put("node", nodeId));
    lockedOn = got ? c : null;
    return got;
  }

  private Silent silentHolder(Connection c) throws SQLException {
    List<Silent> rows =
        Db.query(
            c,
            LEADER_SILENT_HOLDER,
            Params.of("key", LOCK_KEY)
                .put("node", nodeId)
                .put("dead_after_ms", deadAfter.toMillis()),
            rs ->
                new Silent(
                    rs.getInt("pid"),
                    rs.getString("node_id"),
                    SqlTime.instant(rs, "heartbeat_at")));
    return rows.isEmpty() ? null : rows.getFirst();
  }

  private static boolean query(Connection c, String sql, Params params) throws SQLException {
    List<Boolean> rows = Db.query(c, sql, params, rs -> rs.getBoolean(1));
    return !rows.isEmpty() && rows.getFirst();
  }
}
