package eu.runlater.engine;

import static eu.runlater.engine.ClaimQueries.TASK_INSERT_CLAIMING;
import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How sources (jobs, queues, …) hand work to the engine: inserts and removals that run in the
 * caller's own transaction, so a task exists exactly when the change that made it commits ("durable
 * before acknowledged").
 *
 * <p>An insert sends at most one {@code NOTIFY}, and only when one of its tasks is due before this
 * node's engine planned to wake: NOTIFY serializes commits database-wide, so it is kept for the
 * inserts that change someone's wake-up time.
 */
public final class Tasks {
  private final Wakeups wakeups;
  private final InstantSource clock;
  private HandOff handOff;

  Tasks(Wakeups wakeups, InstantSource clock) {
    this.wakeups = wakeups;
    this.clock = clock;
  }

  /** The engine's hand-off, for {@link #insertHandingOff}. */
  void handOff(HandOff handOff) {
    this.handOff = handOff;
  }

  /**
   * What {@link #insertHandingOff} did: tell it how the caller's transaction ended, exactly once.
   */
  public static final class Inserted {
    private final HandOff handOff;
    private final HandOff.Taken taken;
    private final Instant earliestLeft;
    private final Tasks tasks;

    private Inserted(HandOff handOff, HandOff.Taken taken, Instant earliestLeft, Tasks tasks) {
      this.handOff = handOff;
      this.taken = taken;
      this.earliestLeft = earliestLeft;
      this.tasks = tasks;
    }

    /** Whether anything must be told after the transaction (a task handed off, or one left). */
    public boolean pending() {
      return taken != HandOff.Taken.NONE || earliestLeft != null;
    }

    /** After the commit: starts what was handed off, and makes sure the producer looks in time. */
    public void committed() {
      if (handOff != null) {
        handOff.start(taken);
      }
      tasks.committed(earliestLeft);
    }

    /** After a rollback: frees the workers held for what was handed off. */
    public void rolledBack() {
      if (handOff != null) {
        handOff.release(taken);
      }
    }
  }

  /**
   * As {@link #insert}, and in the same transaction hands the tasks due now to this node's free
   * workers when nothing waiting could be overtaken ({@link HandOff#insertClaiming}: one per
   * organization, within its cap and the producer's limit), so they start once the transaction
   * commits without the producer's wake-up and claim. Call {@link Inserted#committed()} after the
   * commit, {@link Inserted#rolledBack()} after a rollback.
   */
  public Inserted insertHandingOff(Connection connection, List<NewTask> tasks) throws SQLException {
    if (tasks.isEmpty()) {
      return new Inserted(handOff, HandOff.Taken.NONE, null, this);
    }
    HandOff.Taken taken =
        handOff == null ? HandOff.Taken.NONE : handOff.insertClaiming(connection, tasks);
    if (handOff == null) {
      insertQuietly(connection, tasks);
    }
    Instant left = taken.earliestLeft(tasks, earliest(tasks));
    try {
      notifyIfSooner(connection, left);
    } catch (SQLException | RuntimeException e) {
      if (handOff != null) {
        handOff.release(taken);
      }
      throw e;
    }
    return new Inserted(handOff, taken, left, this);
  }

  /**
   * In the completer's transaction: inserts {@code tasks}, claiming for {@code taken} those {@link
   * HandOff#pick} reserves a worker for; returns the earliest due time among them all.
   */
  Instant insertHandingOff(Connection connection, List<NewTask> tasks, HandOff.Taken taken)
      throws SQLException {
    Set<UUID> picked = handOff == null ? Set.of() : handOff.pick(taken, tasks);
    if (picked.isEmpty()) {
      return insertQuietly(connection, tasks);
    }
    Map<UUID, Integer> hand = new HashMap<>();
    for (UUID id : picked) {
      hand.put(id, null);
    }
    taken
        .claimed()
        .addAll(insertClaiming(connection, TASK_INSERT_CLAIMING, tasks, hand, Params.of()));
    return earliest(tasks);
  }

  /**
   * Inserts {@code tasks} with {@code sql} ({@link ClaimQueries#TASK_INSERT_CLAIMING} or {@link
   * ClaimQueries#TASK_INSERT_CLAIMING_WITH_ROOM}), those whose ids {@code hand} holds (with their
   * organization's hand-offs in flight, for the second) inserted running when they may be; returns
   * those.
   */
  List<ClaimedTask> insertClaiming(
      Connection connection, String sql, List<NewTask> tasks, Map<UUID, Integer> hand, Params extra)
      throws SQLException {
    Instant now = clock.instant();
    List<Params> rows = new ArrayList<>(tasks.size());
    for (NewTask task : tasks) {
      rows.add(
          insertParams(task, now)
              .put("hand", hand.containsKey(task.id()))
              .put("pending", hand.get(task.id())));
    }
    Params params = Db.arrays(CLAIMING_COLUMNS, rows).putAll(handOff.claimParams()).putAll(extra);
    List<ClaimedTask> claimed = new ArrayList<>();
    Db.queries(
        connection,
        GENERIC.computeIfAbsent(sql, Db::generic),
        params,
        rs -> {
          while (rs.next()) {
            claimed.add(mapClaimed(rs));
          }
        });
    return claimed;
  }

  // The insert-claiming statements with generic plans (Db#generic), made once each.
  private static final Map<String, String> GENERIC = new ConcurrentHashMap<>();

  private static final Map<String, String> CLAIMING_COLUMNS = claimingColumns();

  private static Map<String, String> claimingColumns() {
    Map<String, String> types = new HashMap<>(TASK_COLUMNS);
    types.put("hand", "boolean");
    types.put("pending", "int4");
    return Map.copyOf(types);
  }

  private static Instant earliest(List<NewTask> tasks) {
    Instant earliest = null;
    for (NewTask task : tasks) {
      if (earliest == null || task.runAt().isBefore(earliest)) {
        earliest = task.runAt();
      }
    }
    return earliest;
  }

  /**
   * Inserts tasks in the caller's transaction on {@code connection}; returns the earliest due time
   * among them (null for none), to pass to {@link #committed(Instant)} once the transaction
   * commits.
   */
  public Instant insert(Connection connection, List<NewTask> tasks) throws SQLException {
    Instant earliest = insertQuietly(connection, tasks);
    notifyIfSooner(connection, earliest);
    return earliest;
  }

  /**
   * As {@link #insert}, without the {@code NOTIFY}: for the completer's transaction, which first
   * hands what it can to this node's workers ({@link HandOff}) and then calls {@link
   * #notifyIfSooner} for the rest.
   */
  Instant insertQuietly(Connection connection, List<NewTask> tasks) throws SQLException {
    if (tasks.isEmpty()) {
      return null;
    }
    Instant now = clock.instant();
    List<Params> rows = new ArrayList<>(tasks.size());
    Instant earliest = Instant.MAX;
    for (NewTask task : tasks) {
      rows.add(insertParams(task, now));
      if (task.runAt().isBefore(earliest)) {
        earliest = task.runAt();
      }
    }
    Db.columns(connection, TASK_INSERT, TASK_COLUMNS, rows);
    return earliest;
  }

  /**
   * Sends the one {@code NOTIFY} of a transaction that inserted tasks due at {@code earliest}
   * (null: none), if this node's engine planned to wake later.
   */
  void notifyIfSooner(Connection connection, Instant earliest) throws SQLException {
    if (earliest != null && wakeups.wouldSleepPast(earliest)) {
      // Delivered at commit to every listening node, this one included.
      Db.query(
          connection,
          WAKE_NOTIFY,
          Params.of("payload", Long.toString(earliest.toEpochMilli())),
          rs -> null);
    }
  }

  /** After the inserting transaction committed: makes sure this node looks in time. */
  public void committed(Instant earliest) {
    if (earliest != null) {
      wakeups.wake(earliest);
    }
  }

  /**
   * Removes the tasks of a source that are waiting (not running), in the caller's transaction;
   * returns how many. A running attempt finishes and is recorded as usual.
   */
  public int deletePending(Connection connection, UUID organizationId, UUID sourceId)
      throws SQLException {
    return Db.query(
            connection,
            TASK_DELETE_PENDING_BY_SOURCE,
            Params.of("organization_id", organizationId).put("source_id", sourceId),
            rs -> rs.getObject(1, UUID.class))
        .size();
  }

  /**
   * Removes the waiting tasks of several sources, in the caller's transaction; returns the sources
   * whose task went. With {@code unstartedOnly}, a task waiting for a retry stays (its attempts are
   * under way); running tasks always stay.
   */
  public List<UUID> deletePending(
      Connection connection, UUID organizationId, List<UUID> sourceIds, boolean unstartedOnly)
      throws SQLException {
    if (sourceIds.isEmpty()) {
      return List.of();
    }
    return Db.query(
        connection,
        TASK_DELETE_PENDING_BY_SOURCES,
        Params.of("organization_id", organizationId)
            .put("source_ids", Db.SqlArray.of("uuid", sourceIds))
            .put("unstarted", unstartedOnly),
        rs -> rs.getObject(1, UUID.class));
  }

  /** A task {@link #deleteWaiting} removed: when it was due, and the occurrence it stood for. */
  public record Removed(Instant runAt, Instant scheduledFor) {}

  /**
   * Removes one task if it is waiting (not running), in the caller's transaction. A task a claim
   * holds at this moment is left alone (it runs as it was defined), and so is a running one: both
   * come back empty.
   */
  public Optional<Removed> deleteWaiting(Connection connection, UUID organizationId, UUID taskId)
      throws SQLException {
    return Db.query(
            connection,
            TASK_DELETE_WAITING,
            Params.of("id", taskId).put("organization_id", organizationId),
            rs -> new Removed(SqlTime.instant(rs, "run_at"), SqlTime.instant(rs, "scheduled_for")))
        .stream()
        .findFirst();
  }

  /**
   * Sets the occurrence a claimed task stands for (its executions' {@code scheduled_for}), in the
   * claim hook's transaction. A hook that returns a task with another {@code scheduledFor} calls
   * this, so that the task's retries and a rescue record that occurrence too.
   */
  public void setScheduledFor(Connection connection, UUID taskId, Instant scheduledFor)
      throws SQLException {
    Db.update(
        connection,
        TASK_SET_SCHEDULED_FOR,
        Params.of("scheduled_for", scheduledFor).put("id", taskId));
  }

  /** Removes tasks this claim took (a {@link ClaimHook} dropping them), fenced by their tokens. */
  public void deleteClaimed(Connection connection, List<ClaimedTask> tasks) throws SQLException {
    if (tasks.isEmpty()) {
      return;
    }
    Db.query(
        connection,
        TASK_COMPLETE,
        Params.of("ids", Db.SqlArray.of("uuid", tasks.stream().map(ClaimedTask::id).toList()))
            .put(
                "tokens",
                Db.SqlArray.of("bigint", tasks.stream().map(ClaimedTask::leaseToken).toList())),
        rs -> null);
  }

  /**
   * Hands claimed tasks back unstarted, in the claim hook's transaction: each is ready again at its
   * new run_at, with the attempt the claim counted taken back (a task deferred by a queue's rate
   * limit has not been tried). The hook leaves these out of the tasks it returns.
   */
  public void deferClaimed(Connection connection, List<ClaimedTask> tasks, List<Instant> runAts)
      throws SQLException {
    if (tasks.isEmpty()) {
      return;
    }
    Db.query(
        connection,
        TASK_DEFER_CLAIMED,
        Params.of("ids", Db.SqlArray.of("uuid", tasks.stream().map(ClaimedTask::id).toList()))
            .put(
                "tokens",
                Db.SqlArray.of("bigint", tasks.stream().map(ClaimedTask::leaseToken).toList()))
            .put(
                "run_ats",
                Db.SqlArray.of(
                    "timestamptz", runAts.stream().map(t -> (Object) SqlTime.ts(t)).toList())),
        rs -> null);
  }

  /**
   * Cancels running tasks, in the caller's transaction: they leave the table (so their attempts can
   * no longer complete) and the nodes running them are told, at commit, to interrupt them. Returns
   * the ids actually cancelled.
   */
  public List<UUID> cancelRunning(Connection connection, List<UUID> taskIds) throws SQLException {
    if (taskIds.isEmpty()) {
      return List.of();
    }
    List<UUID> cancelled =
        Db.query(
            connection,
            TASK_CANCEL_RUNNING,
            Params.of("ids", Db.SqlArray.of("uuid", taskIds)),
            rs -> rs.getObject(1, UUID.class));
    for (UUID id : cancelled) {
      Db.query(connection, CANCEL_NOTIFY, Params.of("payload", id.toString()), rs -> null);
    }
    return cancelled;
  }

  /** Appends history entries that are not HTTP attempts (missed, skipped, cancelled). */
  public void recordEvents(Connection connection, List<TaskEvent> events, String node)
      throws SQLException {
    ExecutionRows.insertEvents(connection, events, node, clock.instant());
  }

  private static Params insertParams(NewTask task, Instant now) {
    TaskRequest r = task.request();
    return Params.of("id", task.id())
        .put("organization_id", task.organizationId())
        .put("source_kind", task.sourceKind())
        .put("source_id", task.sourceId())
        .put("priority", (short) task.priority())
        .put("run_at", task.runAt())
        .put("scheduled_for", task.scheduledFor())
        .put("max_attempts", task.maxAttempts())
        .put("url", r.url())
        .put("target_host", HostKey.of(r.url()))
        .put("method", r.method())
        .put("headers", HeaderCodec.toJson(r.headers()))
        .put("sealed_headers", r.sealedHeaders())
        .put("body", r.body())
        .put("body_sealed", r.bodySealed())
        .put("sealed_url", r.sealedUrl())
        .put("timeout_ms", r.timeoutMs())
        .put("backoff_base_ms", task.backoff().baseMs())
        .put("backoff_max_ms", task.backoff().maxMs())
        .put("created_at", now);
  }

  static ClaimedTask mapClaimed(ResultSet rs) throws SQLException {
    return new ClaimedTask(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("source_kind"),
        rs.getObject("source_id", UUID.class),
        rs.getShort("priority"),
        SqlTime.instant(rs, "run_at"),
        SqlTime.instant(rs, "scheduled_for"),
        rs.getInt("attempt"),
        rs.getInt("max_attempts"),
        rs.getInt("rescues"),
        rs.getLong("lease_token"),
        SqlTime.instant(rs, "lease_expires_at"),
        new Backoff(rs.getInt("backoff_base_ms"), rs.getInt("backoff_max_ms")),
        new TaskRequest(
            rs.getString("url"),
            rs.getString("method"),
            HeaderCodec.fromJson(rs.getString("headers")),
            rs.getBytes("sealed_headers"),
            rs.getBytes("body"),
            rs.getBoolean("body_sealed"),
            rs.getInt("timeout_ms"),
            rs.getBytes("sealed_url")),
        held(rs, ""));
  }

  /** The hold recorded in {@code <prefix>held_by} and its siblings, or null. */
  static ClaimedTask.Held held(ResultSet rs, String prefix) throws SQLException {
    String by = rs.getString(prefix + "held_by");
    return by == null
        ? null
        : new ClaimedTask.Held(
            by,
            SqlTime.instant(rs, prefix + "held_since"),
            SqlTime.instant(rs, prefix + "held_until"),
            rs.getString(prefix + "held_note"));
  }
}
