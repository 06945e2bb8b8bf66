package eu.runlater.workflows;

import static eu.runlater.workflows.ConcurrencyQueries.CONCURRENCY_COUNT;
import static eu.runlater.workflows.ConcurrencyQueries.CONCURRENCY_LOCK;
import static eu.runlater.workflows.ConcurrencyQueries.CONCURRENCY_OLDEST_QUEUED;
import static eu.runlater.workflows.ConcurrencyQueries.RUN_ADMIT;
import static eu.runlater.workflows.ConcurrencyQueries.RUN_CONCURRENCY_KEY;

import eu.runlater.engine.NewTask;
import eu.runlater.engine.OutcomeHook;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.Rows;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A workflow's {@code concurrency: {key, limit}}: at most {@code limit} runs with the same key (the
 * template rendered over the run's input) hold it at once — {@code running} or {@code cancelling};
 * the others wait in {@code queued}, no step started. When a run with that key ends, the oldest
 * queued ones start in the same transaction, while there is room.
 *
 * <p>Guarantee: whatever admits a run (a start, a retry, a child run, the end of another) counts
 * and changes state under a transaction-level advisory lock on (workflow, key), so two nodes ending
 * runs at once never let more than {@code limit} run. An end does not take that lock where it
 * happens: it notes the key, and the queued runs are admitted at the end of the transaction —
 * before the commit of an API transaction, or in this outcome hook, ordered after {@link
 * StepOutcomes} in the engine's outcome transaction — once every run lock the transaction takes is
 * held. So the lock order is always run locks, then key locks (in key order), and a transaction
 * that holds a key's lock never waits for a run's: it takes a queued run with {@code SKIP LOCKED},
 * passing over one another transaction holds (a cancel of that queued run, which then takes the
 * key's lock at its own commit). No deadlock; the price is that a queued run whose cancel rolls
 * back may start after a younger one. A cancel takes its run's lock first, like an end in the
 * engine's outcome transaction (a cancel that took the key's lock first deadlocked with an outcome
 * transaction that held its run and waited for the key: found by WorkflowConcurrencyTest in CI).
 * Admitting queued runs is idempotent (it starts what fits, nothing else), so a note left by a
 * transaction that rolled back costs one query later and breaks nothing.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class RunConcurrency implements OutcomeHook {
  static final String QUEUED = "queued";

  record Key(UUID workflowId, String key) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparing(Key::workflowId).thenComparing(Key::key);

  private final Definitions definitions;
  private final ObjectProvider<RunAdvancer> advancer;
  private final ObjectProvider<EnqueuedTasks> apiSink;
  private final InstantSource clock;
  private final WorkflowAlerts alerts;
  // Keys noted by ends in engine transactions (no Spring synchronization), by connection.
  private final Map<Connection, NavigableSet<Key>> noted = new ConcurrentHashMap<>();

  RunConcurrency(
      Definitions definitions,
      ObjectProvider<RunAdvancer> advancer,
      ObjectProvider<EnqueuedTasks> apiSink,
      InstantSource clock,
      WorkflowAlerts alerts) {
    this.alerts = alerts;
    this.definitions = definitions;
    this.advancer = advancer;
    this.apiSink = apiSink;
    this.clock = clock;
  }

  /**
   * Gives a run that is about to run (new, retried, or a child) its key and decides: true, it runs
   * now; false, it is now {@code queued}. Runs of a version without a limit always run. Taking the
   * key's lock here is safe: a new run is visible to no one, and a retried one is not queued.
   */
  boolean admit(Connection c, UUID runId, UUID workflowId, WorkflowDefinition d, JsonNode input) {
    if (d.concurrency() == null) {
      return true;
    }
    Key k = new Key(workflowId, key(d, input));
    lock(c, k);
    Counts n = count(c, k, runId);
    boolean now = n.holding() < d.concurrency().limit() && n.queued() == 0;
    ConnectionSql.on(c)
        .sql(RUN_ADMIT)
        .param("id", runId)
        .param("key", k.key())
        .param("state", now ? RunAdvancer.RUNNING : QUEUED)
        .update();
    if (!now && n.holding() < d.concurrency().limit()) {
      // Room, but older runs wait: they go first, at the end of this transaction.
      note(c, k);
    }
    return now;
  }

  /** The key a run of this definition takes: its template over the input ('' for none). */
  static String key(WorkflowDefinition d, JsonNode input) {
    if (d.concurrency().key() == null) {
      return "";
    }
    var ctx = JsonNodeFactory.instance.objectNode();
    ctx.set("input", input);
    String k = Templates.render(d.concurrency().key(), ctx);
    return k.length() > WorkflowOptions.MAX_KEY ? k.substring(0, WorkflowOptions.MAX_KEY) : k;
  }

  /**
   * A run ended (or left the queue): at the end of this transaction, the oldest queued runs of its
   * workflow and key start while there is room.
   */
  void released(Connection c, LockedRun run) {
    if (definitions.get(c, run.workflowId(), run.version()).concurrency() == null) {
      return;
    }
    String key =
        ConnectionSql.on(c)
            .sql(RUN_CONCURRENCY_KEY)
            .param("id", run.id())
            .query(String.class)
            .optional()
            .orElse(null);
    if (key != null) {
      note(c, new Key(run.workflowId(), key));
    }
  }

  @SuppressWarnings("unchecked")
  private void note(Connection c, Key k) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      noted.computeIfAbsent(c, x -> new TreeSet<>(ORDER)).add(k);
      return;
    }
    var keys = (NavigableSet<Key>) TransactionSynchronizationManager.getResource(this);
    if (keys == null) {
      NavigableSet<Key> bound = new TreeSet<>(ORDER);
      keys = bound;
      TransactionSynchronizationManager.bindResource(this, bound);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            // First at the commit: admitting queued runs takes run locks, and may end runs alerts
            // must hear of.
            @Override
            public int getOrder() {
              return org.springframework.core.Ordered.LOWEST_PRECEDENCE - 2;
            }

            @Override
            public void beforeCommit(boolean readOnly) {
              Instant now = clock.instant();
              try {
                for (Key next; (next = bound.pollFirst()) != null; ) {
                  admitQueued(c, next, apiSink.getObject(), now);
                }
              } catch (SQLException e) {
                throw new IllegalStateException("could not start queued runs", e);
              }
            }

            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(RunConcurrency.this);
            }
          });
    }
    keys.add(k);
  }

  @Override
  public void onFinished(Finished finished) throws SQLException {
    Connection c = finished.connection();
    if (!noted.containsKey(c)) {
      return;
    }
    RunAdvancer.TaskSink sink =
        new RunAdvancer.TaskSink() {
          @Override
          public void insert(List<NewTask> tasks) throws SQLException {
            finished.insert(tasks);
          }

          @Override
          public boolean deleteWaiting(UUID organizationId, UUID taskId) throws SQLException {
            return finished.engine().deleteWaiting(c, organizationId, taskId).isPresent();
          }
        };
    // Admitting a run may end it at once (and note its key again): until nothing is noted.
    for (NavigableSet<Key> keys; (keys = noted.remove(c)) != null; ) {
      for (Key k : keys) {
        admitQueued(c, k, sink, finished.now());
      }
    }
    // A run admitted here may end at once: alerts hear of it as StepOutcomes' ends (its flush).
    alerts.flush(c, finished.now());
  }

  /** Starts the oldest queued runs of the key while it has room. */
  private void admitQueued(Connection c, Key k, RunAdvancer.TaskSink sink, Instant now)
      throws SQLException {
    lock(c, k);
    RunAdvancer runs = advancer.getObject();
    while (true) {
      record Queued(UUID id, int version) {}
      Optional<Queued> q =
          ConnectionSql.on(c)
              .sql(CONCURRENCY_OLDEST_QUEUED)
              .param("workflow_id", k.workflowId())
              .param("key", k.key())
              .query(Rows.of(Queued.class))
              .optional();
      if (q.isEmpty()) {
        return;
      }
      WorkflowDefinition d = definitions.get(c, k.workflowId(), q.get().version());
      int limit = d.concurrency() == null ? Integer.MAX_VALUE : d.concurrency().limit();
      if (count(c, k, q.get().id()).holding() >= limit) {
        return;
      }
      LockedRun run = runs.lock(c, q.get().id()).orElseThrow(); // locked above: no wait
      ConnectionSql.on(c)
          .sql(RUN_ADMIT)
          .param("id", run.id())
          .param("key", k.key())
          .param("state", RunAdvancer.RUNNING)
          .update();
      if (d.maxRunTime() != null) {
        NewTask t = RunAdvancer.internalTask(run, "deadline", now.plus(d.maxRunTime()), now);
        sink.insert(List.of(t));
        ConnectionSql.on(c)
            .sql(RunsQueries.RUN_SET_DEADLINE)
            .param("id", run.id())
            .param("task_id", t.id())
            .update();
      }
      runs.advance(c, runs.lock(c, run.id()).orElseThrow(), now, sink);
    }
  }

  private static void lock(Connection c, Key k) {
    ConnectionSql.on(c)
        .sql(CONCURRENCY_LOCK)
        .param("workflow_id", k.workflowId())
        .param("key", k.key())
        .query((rs, n) -> 0)
        .list();
  }

  private record Counts(long holding, long queued) {}

  private static Counts count(Connection c, Key k, UUID except) {
    return ConnectionSql.on(c)
        .sql(CONCURRENCY_COUNT)
        .param("workflow_id", k.workflowId())
        .param("key", k.key())
        .param("id", except)
        .query(Rows.of(Counts.class))
        .single();
  }
}
