package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The engine nodes sharing this database, as their heartbeats show them: for the operator's view
 * (from {@code Engine#nodes()}). Read-only; ages are measured on the database's clock, the one the
 * heartbeats are written with.
 */
public final class Nodes {
  /** The most nodes one listing shows: alive ones first, then the most recently heard of. */
  public static final int SHOWN = 200;

  private final Db db;

  Nodes(Db db) {
    this.db = db;
  }

  /**
   * One node.
   *
   * @param id its node id (unique per process)
   * @param host the host it runs on
   * @param pid its process id there
   * @param version the Runlater version it runs
   * @param startedAt when its engine started
   * @param heartbeatAt its last heartbeat (for a stopped node: when it stopped)
   * @param silentFor how long ago that was, on the database's clock
   * @param state {@code alive}, {@code dead} (declared by the leader after its silence) or {@code
   *     stopped} (stopped gracefully)
   * @param deadAt when it was declared dead, or null
   * @param leader whether it holds the leader lock now
   * @param running the tasks it is delivering now (claimed and not reported)
   * @param clockOffset how far its clock is ahead of the database's (negative: behind) as its
   *     heartbeats measured it, or null before they have
   */
  public record Node(
      String id,
      String host,
      long pid,
      String version,
      Instant startedAt,
      Instant heartbeatAt,
      Duration silentFor,
      String state,
      Instant deadAt,
      boolean leader,
      int running,
      Duration clockOffset) {}

  /** Every node with a row, at most {@link #SHOWN}; rows of nodes gone for 7 days are pruned. */
  public List<Node> list() throws SQLException {
    return db.withConnection(
        c ->
            Db.query(
                c,
                NodeQueries.NODE_LIST,
                Params.of("key", Leader.LOCK_KEY).put("limit", SHOWN),
                rs -> {
                  Instant heartbeatAt = SqlTime.instant(rs, "heartbeat_at");
                  Duration silent = Duration.between(heartbeatAt, SqlTime.instant(rs, "db_now"));
                  Integer offsetMs = rs.getObject("clock_offset_ms", Integer.class);
                  return new Node(
                      rs.getString("node_id"),
                      rs.getString("host"),
                      rs.getLong("pid"),
                      rs.getString("version"),
                      SqlTime.instant(rs, "started_at"),
                      heartbeatAt,
                      silent.isNegative() ? Duration.ZERO : silent,
                      rs.getString("state"),
                      SqlTime.instant(rs, "dead_at"),
                      rs.getBoolean("leader"),
                      rs.getInt("running"),
                      offsetMs == null ? null : Duration.ofMillis(offsetMs));
                }));
  }
}
