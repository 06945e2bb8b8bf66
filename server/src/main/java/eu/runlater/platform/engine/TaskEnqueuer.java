package eu.runlater.platform.engine;

import eu.runlater.engine.NewTask;
import eu.runlater.engine.Tasks;
import eu.runlater.platform.database.TransactionalConnection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Hands tasks to the engine inside the caller's Spring transaction, and tells this node's producer
 * once that transaction has committed (see {@link Tasks#committed(Instant)}).
 */
@Component
public class TaskEnqueuer {
  private final Tasks tasks;
  private final TransactionalConnection connection;

  TaskEnqueuer(Tasks tasks, TransactionalConnection connection) {
    this.tasks = tasks;
    this.connection = connection;
  }

  /**
   * Inserts {@code newTasks} in the caller's transaction. Those due now may be handed to this
   * node's free workers in the same transaction (one per organization, within its cap, only when
   * nothing waiting could be overtaken: {@link Tasks#insertHandingOff}), to start once it commits
   * without waiting for the producer's claim; a rollback frees the workers held for them.
   */
  public void enqueue(List<NewTask> newTasks) {
    Tasks.Inserted inserted;
    try {
      inserted = tasks.insertHandingOff(connection.current(), newTasks);
    } catch (SQLException e) {
      throw new IllegalStateException("could not enqueue " + newTasks.size() + " tasks", e);
    }
    if (inserted.pending()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              inserted.committed();
            }

            @Override
            public void afterCompletion(int status) {
              if (status != STATUS_COMMITTED) {
                inserted.rolledBack();
              }
            }
          });
    }
  }

  /**
   * Removes one task in the caller's transaction if it is waiting; empty when it is running, being
   * claimed, or gone (see {@link Tasks#deleteWaiting}).
   */
  public Optional<Tasks.Removed> deleteWaiting(UUID organizationId, UUID taskId) {
    try {
      return tasks.deleteWaiting(connection.current(), organizationId, taskId);
    } catch (SQLException e) {
      throw new IllegalStateException("could not remove task " + taskId, e);
    }
  }

  /** Removes a source's waiting tasks in the caller's transaction; returns how many. */
  public int deletePending(UUID organizationId, UUID sourceId) {
    try {
      return tasks.deletePending(connection.current(), organizationId, sourceId);
    } catch (SQLException e) {
      throw new IllegalStateException("could not remove the tasks of " + sourceId, e);
    }
  }
}
