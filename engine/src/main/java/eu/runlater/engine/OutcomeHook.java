package eu.runlater.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Lets a source act in the transaction that records its tasks' final outcomes — a queue marks the
 * message delivered or dead-lettered there, lets the next message go and schedules its callbacks,
 * so no outcome can be recorded without its consequences, or the other way round.
 *
 * <p>It sees every task that reached its terminal state: the last HTTP attempt (success, or failure
 * with no retry left) and tasks abandoned after losing their lease too often. It does not see
 * retries, nor tasks a source removed itself (cancelled or deleted).
 */
@FunctionalInterface
public interface OutcomeHook {
  OutcomeHook NONE = finished -> {};

  void onFinished(Finished finished) throws SQLException;

  /**
   * Several sources' hooks as one, run in order in the same transaction; each sees every outcome
   * and skips those of other sources.
   */
  static OutcomeHook chain(List<OutcomeHook> hooks) {
    if (hooks.isEmpty()) {
      return NONE;
    }
    if (hooks.size() == 1) {
      return hooks.getFirst();
    }
    List<OutcomeHook> chained = List.copyOf(hooks);
    return finished -> {
      for (OutcomeHook h : chained) {
        h.onFinished(finished);
      }
    };
  }

  /** Terminal outcomes, in the transaction that recorded them. */
  final class Finished {
    private final Connection connection;
    private final List<Completion> outcomes;
    private final Instant now;
    private final Tasks engine;
    private Instant earliestInserted;
    private final List<NewTask> inserted = new java.util.ArrayList<>();
    private final HandOff.Taken handOff;

    Finished(Connection connection, List<Completion> outcomes, Instant now, Tasks engine) {
      this(connection, outcomes, now, engine, HandOff.Taken.NONE);
    }

    Finished(
        Connection connection,
        List<Completion> outcomes,
        Instant now,
        Tasks engine,
        HandOff.Taken handOff) {
      this.connection = connection;
      this.outcomes = outcomes;
      this.now = now;
      this.engine = engine;
      this.handOff = handOff;
    }

    public Connection connection() {
      return connection;
    }

    /** Each task with its final execution. */
    public List<Completion> outcomes() {
      return outcomes;
    }

    public Instant now() {
      return now;
    }

    /**
     * Inserts tasks in this transaction (a message's successor, a callback); the engine makes sure
     * this node looks for them once the transaction commits.
     */
    public void insert(List<NewTask> tasks) throws SQLException {
      // The NOTIFY, if any, is the engine's to send once the hooks are done (Tasks#notifyIfSooner).
      Instant earliest = engine.insertQuietly(connection, tasks);
      inserted.addAll(tasks);
      record(earliest);
    }

    /**
     * As {@link #insert}, and those of them due now may be claimed by their insert and started on
     * this node's free workers once the transaction commits ({@link HandOff}), without waiting for
     * a claim: for a source whose tasks take no slot of their own at the claim (a workflow's next
     * step). A source that paces its tasks at the claim (a queue's rate) uses {@link #insert}.
     */
    public void insertHandingOff(List<NewTask> tasks) throws SQLException {
      Instant earliest = engine.insertHandingOff(connection, tasks, handOff);
      inserted.addAll(tasks);
      record(earliest);
    }

    private void record(Instant earliest) {
      if (earliest != null && (earliestInserted == null || earliest.isBefore(earliestInserted))) {
        earliestInserted = earliest;
      }
    }

    /** The engine's task operations, on {@link #connection()}. */
    public Tasks engine() {
      return engine;
    }

    Instant earliestInserted() {
      return earliestInserted;
    }

    /** What the hooks inserted, in order. */
    List<NewTask> inserted() {
      return inserted;
    }
  }
}
