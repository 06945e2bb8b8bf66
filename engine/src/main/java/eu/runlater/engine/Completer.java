package eu.runlater.engine;

import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records attempt outcomes in batches: whatever completed while the previous batch was being
 * written goes in the next, so commits stay few under load and immediate when idle.
 *
 * <p>One transaction per batch removes finished tasks, returns retried ones to ready at their retry
 * time, and appends an execution for each — but only for attempts that still hold their lease
 * (fencing token). A completion whose lease was lost (the rescuer handed the task on) is rejected
 * and leaves no trace but a metric, so a node that was cut off cannot overwrite a newer attempt. If
 * the database is unreachable the batch is retried until it lands or the engine stops; tasks whose
 * outcome could not be recorded are rescued when their lease expires.
 *
 * <p>{@link EngineConfig#completers()} threads take batches from the one queue of completions, each
 * writing its batch in a transaction of its own, so one batch's hooks can run while another
 * commits. Two batches in flight on one node are what two nodes' completers always were: every
 * statement fences by lease token, and the hooks take most shared rows' locks in one order (hosts',
 * then workflow runs' by id, queues' by id; counters in one ordered statement). Not all: a parent
 * run that ends locks its running children after the batch's runs, and monitors are locked in the
 * batch's order (docs/architecture.md, "Outcome"), so two batches can deadlock there; PostgreSQL
 * then aborts one transaction and this loop writes that batch again after its backoff, fenced as
 * before: it costs time, never an outcome.
 */
final class Completer {
  static final int MAX_BATCH = 1_000;
  private static final Logger log = LoggerFactory.getLogger(Completer.class);

  private final Db db;
  private final Partitions partitions;
  private final Wakeups wakeups;
  private final EngineMetrics metrics;
  private final java.time.InstantSource clock;
  private final OutcomeHook outcomes;
  private final Tasks tasks;
  private final HostGuard hosts;
  private final Runnable onRecorded;
  private final HandOff handOff;
  private final BlockingQueue<Completion> queue = new LinkedBlockingQueue<>();
  private final int threadCount;
  private volatile boolean running;
  private final List<Thread> threads = new ArrayList<>();

  Completer(
      Db db,
      Partitions partitions,
      Wakeups wakeups,
      EngineMetrics metrics,
      java.time.InstantSource clock,
      OutcomeHook outcomes,
      Tasks tasks,
      HostGuard hosts,
      Runnable onRecorded,
      HandOff handOff,
      int threadCount) {
    this.threadCount = threadCount;
    this.db = db;
    this.handOff = handOff;
    this.hosts = hosts;
    this.onRecorded = onRecorded;
    this.outcomes = outcomes;
    this.tasks = tasks;
    this.partitions = partitions;
    this.wakeups = wakeups;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** What one flush did. */
  record FlushResult(int accepted, int rejected) {}

  void submit(Completion completion) {
    queue.add(completion);
  }

  int pending() {
    return queue.size();
  }

  void start() {
    running = true;
    for (int i = 0; i < threadCount; i++) {
      threads.add(
          Thread.ofPlatform()
              .name(i == 0 ? "runlater-completer" : "runlater-completer-" + i)
              .daemon()
              .start(this::loop));
    }
  }

  /** Stops after writing everything submitted so far (or giving up on an unreachable database). */
  void stop(Duration bound) throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.interrupt();
    }
    for (Thread thread : threads) {
      thread.join(bound.toMillis() + 1_000);
    }
  }

  private void loop() {
    List<Completion> batch = new ArrayList<>();
    FailureStreak failures = new FailureStreak(log, "Recording completions");
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          Completion first = queue.poll(1, TimeUnit.SECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
        }
        flush(batch);
        batch.clear();
        failures.succeeded();
      } catch (InterruptedException e) {
        if (running) {
          continue;
        }
        // Stopping: one last attempt at what is queued, below.
      } catch (Exception e) {
        if (!running && Thread.interrupted()) {
          // The stop's interrupt reached the write (the pool turns it into an SQLException):
          // write again, uninterrupted, before giving anything up.
          continue;
        }
        // The batch is kept and written again until it lands: one warning per outage.
        long waitMs = failures.failed(e);
        if (!running) {
          log.warn(
              "Stopping with {} completions unrecorded; their tasks will be rescued",
              batch.size() + queue.size());
          return;
        }
        try {
          Thread.sleep(waitMs);
        } catch (InterruptedException stop) {
          // re-checked by the loop
        }
      }
    }
  }

  /** Writes one batch; package-private so tests can drive it. */
  FlushResult flush(List<Completion> batch) throws SQLException {
    List<Completion> terminal = new ArrayList<>();
    List<Completion> retries = new ArrayList<>();
    for (Completion c : batch) {
      (c.terminal() ? terminal : retries).add(c);
    }
    FlushResult result;
    try {
      result = write(terminal, retries);
    } catch (SQLException e) {
      if (!Partitions.isMissingPartition(e)) {
        throw e;
      }
      partitions.ensure(clock.instant());
      result = write(terminal, retries);
    }
    if (result.rejected() > 0) {
      metrics.rejected(result.rejected());
      log.warn(
          "Rejected {} completions whose attempts had lost their lease (another attempt owns"
              + " those tasks now)",
          result.rejected());
    }
    Instant earliestRetry = null;
    for (Completion c : retries) {
      if (earliestRetry == null || c.retryAt().isBefore(earliestRetry)) {
        earliestRetry = c.retryAt();
      }
    }
    if (earliestRetry != null) {
      wakeups.wake(earliestRetry);
    }
    return result;
  }

  private FlushResult write(List<Completion> terminal, List<Completion> retries)
      throws SQLException {
    Instant[] inserted = new Instant[1];
    Instant[] hostWake = new Instant[1];
    HandOff.Taken[] handed = {HandOff.Taken.NONE};
    FlushResult result;
    try {
      result =
          db.inTransaction(
              c -> {
                // The attempts recorded and their targets' rows read, in one round trip.
                Set<String> accepted = new HashSet<>();
                HostGuard.Rows hostRows = HostGuard.rowsFor(all(terminal, retries));
                Db.RowsReader acceptedKeys =
                    rs -> {
                      while (rs.next()) {
                        accepted.add(acceptedKey(rs));
                      }
                    };
                if (hostRows == HostGuard.Rows.NONE) {
                  Db.queries(c, RECORD_ATTEMPTS, recordParams(terminal, retries), acceptedKeys);
                } else {
                  Db.queries(
                      c,
                      RECORD_ATTEMPTS_THEN_HOSTS,
                      recordParams(terminal, retries).putAll(hostRows.params()),
                      acceptedKeys,
                      hostRows);
                }
                List<Completion> recorded = new ArrayList<>(accepted.size());
                for (List<Completion> group : List.of(terminal, retries)) {
                  for (Completion completion : group) {
                    if (accepted.contains(key(completion.task()))) {
                      recorded.add(completion);
                    }
                  }
                }
                hostWake[0] = hosts.record(c, recorded, hostRows, clock.instant()).wakeAt();
                List<Completion> finished = new ArrayList<>();
                for (Completion completion : recorded) {
                  if (completion.terminal()) {
                    finished.add(completion);
                  }
                }
                if (!finished.isEmpty()) {
                  handed[0] = handOff.open(finished);
                  var hooked =
                      new OutcomeHook.Finished(c, finished, clock.instant(), tasks, handed[0]);
                  outcomes.onFinished(hooked);
                  handOff.claimed(c, handed[0]);
                  // Tasks handed off need no wake-up: the producer would find nothing to claim.
                  inserted[0] =
                      handed[0].earliestLeft(hooked.inserted(), hooked.earliestInserted());
                }
                return new FlushResult(
                    recorded.size(), terminal.size() + retries.size() - recorded.size());
              });
    } catch (SQLException | RuntimeException e) {
      handOff.release(handed[0]);
      throw e;
    }
    handOff.start(handed[0]);
    tasks.committed(inserted[0]);
    if (hostWake[0] != null) {
      wakeups.wake(hostWake[0]);
    }
    if (result.accepted() > 0) {
      onRecorded.run();
    }
    return result;
  }

  // An attempt is its task and its fencing token: a task re-claimed here while a stale attempt
  // of it still ran must not have both recorded.
  private static String acceptedKey(java.sql.ResultSet rs) throws SQLException {
    return rs.getObject(1, UUID.class) + "/" + rs.getLong(2);
  }

  private static String key(ClaimedTask task) {
    return task.id() + "/" + task.leaseToken();
  }

  private static SqlArray uuids(List<Completion> completions) {
    return SqlArray.of("uuid", completions.stream().map(c -> c.task().id()).toList());
  }

  static final String RECORD_ATTEMPTS = Db.generic(TASK_RECORD_ATTEMPTS);

  private static final String RECORD_ATTEMPTS_THEN_HOSTS =
      Db.generic(TASK_RECORD_ATTEMPTS.strip() + ";\n" + HostGuard.Rows.SQL.strip());

  private static List<Completion> all(List<Completion> terminal, List<Completion> retries) {
    List<Completion> all = new ArrayList<>(terminal.size() + retries.size());
    all.addAll(terminal);
    all.addAll(retries);
    return all;
  }

  /** TASK_RECORD_ATTEMPTS's parameters: the attempts to fence, and their executions. */
  static Params recordParams(List<Completion> terminal, List<Completion> retries) {
    List<Object> runAts = new ArrayList<>(retries.size());
    for (Completion r : retries) {
      runAts.add(SqlTime.ts(r.retryAt()));
    }
    return ExecutionRows.attempts(all(terminal, retries))
        .put("done_ids", uuids(terminal))
        .put("done_tokens", tokens(terminal))
        .put("retry_ids", uuids(retries))
        .put("retry_tokens", tokens(retries))
        .put("run_ats", SqlArray.of("timestamptz", runAts));
  }

  private static SqlArray tokens(List<Completion> completions) {
    return SqlArray.of("bigint", completions.stream().map(c -> c.task().leaseToken()).toList());
  }
}
